import { Type, type Static } from 'typebox';
import { CAPABILITIES, ROLES } from '../services/access-control.ts';
import { IsoDateTime, PageQuery, Uuid } from './common.ts';
import { SAFE_TEXT_PATTERN } from './young-people.ts';

export const RoleSchema = Type.Enum([...ROLES], { description: 'A role decides what a token may do' });

export const ApiToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  role: RoleSchema,
  createdAt: IsoDateTime,
  createdBy: Type.Union([Uuid, Type.Null()]),
  revokedAt: Type.Union([IsoDateTime, Type.Null()]),
  lastUsedAt: Type.Union([IsoDateTime, Type.Null()]),
});
export type ApiTokenDto = Static<typeof ApiToken>;

export const CreateApiTokenBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: SAFE_TEXT_PATTERN, description: 'Who or what holds the token (a team, a script); not a person’s name' }),
    role: RoleSchema,
  },
  { additionalProperties: false },
);

export const CurrentApiToken = Type.Object({
  id: Type.Union([Uuid, Type.Null()], { description: 'The token’s id (null for the system)' }),
  name: Type.String({ description: 'Who or what holds the token, as named when it was issued' }),
  role: RoleSchema,
  capabilities: Type.Array(Type.Enum([...CAPABILITIES]), { description: 'What the role may do (src/services/access-control.ts)' }),
});

export const CreatedApiToken = Type.Object({
  ...ApiToken.properties,
  token: Type.String({ description: 'The secret, shown once: only its hash is stored' }),
});

export const AuditEvent = Type.Object({
  id: Type.Integer(),
  at: IsoDateTime,
  actorTokenId: Type.Union([Uuid, Type.Null()]),
  actorName: Type.String(),
  actorRole: Type.String(),
  action: Type.String(),
  resourceType: Type.String(),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

export const AuditQuery = Type.Object(
  {
    ...PageQuery,
    action: Type.Optional(Type.String({ maxLength: 100 })),
    resourceType: Type.Optional(Type.String({ maxLength: 100 })),
    resourceId: Type.Optional(Type.String({ maxLength: 100 })),
    actorTokenId: Type.Optional(Uuid),
    since: Type.Optional(IsoDateTime),
  },
  { additionalProperties: false },
);
