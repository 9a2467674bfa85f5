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
    team: Type.Optional({
      ...Uuid,
      description:
        "Only events about this team (a team's id) or its young people: the team's own events (resourceType team), and events about a young person whose team is this one today, that is resourceType young_person with the person's id (created, updated, history replaced, budget exported) and resourceType care_plan or pathway_projection whose detail.youngPersonId is the person (every care-plan and projection event carries it). Read through today's records: a young person moved to another team takes their past events with them, and an erased one's events (the tombstone keeps no team) are under no team. Not included: events that name no single record (bulk imports), scenario runs and packs (aggregates), jobs. An id that names no team now and no team in the log: 422 naming querystring/team (a team deleted since keeps its own events findable).",
    }),
  },
  { additionalProperties: false },
);
