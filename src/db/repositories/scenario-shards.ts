import type { Kysely } from 'kysely';
import type { PreparedScenario } from '../../simulation/scenario.ts';
import type { Database } from '../schema.ts';

/**
 * The prepared scenario holds typed arrays (state masks, probabilities by year), which JSON
 * would turn into plain objects: tag them on the way in and rebuild them on the way out.
 */
const typedArrays = { Float64Array, Int32Array, Uint8Array } as const;
type TypedName = keyof typeof typedArrays;

function encodeTyped(_key: string, value: unknown): unknown {
  for (const name of Object.keys(typedArrays) as TypedName[]) {
    if (value instanceof typedArrays[name]) return { $typed: name, values: Array.from(value as ArrayLike<number>) };
  }
  return value;
}

function decodeTyped(_key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && '$typed' in value && 'values' in value) {
    const { $typed, values } = value as { $typed: TypedName; values: number[] };
    if ($typed in typedArrays) return typedArrays[$typed].from(values);
  }
  return value;
}

const toBytes = (values: Float64Array) => Buffer.from(values.buffer, values.byteOffset, values.byteLength);
const toFloats = (bytes: Buffer | Uint8Array) => new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));

export async function saveRunInputs(db: Kysely<Database>, runId: string, prepared: PreparedScenario): Promise<void> {
  await db
    .insertInto('scenario_run_inputs')
    .values({ run_id: runId, prepared: JSON.stringify(prepared, encodeTyped) })
    .onConflict((oc) => oc.column('run_id').doNothing())
    .execute();
}

export async function loadRunInputs(db: Kysely<Database>, runId: string): Promise<PreparedScenario | undefined> {
  const row = await db.selectFrom('scenario_run_inputs').select('prepared').where('run_id', '=', runId).executeTakeFirst();
  if (!row) return undefined;
  // Parsed by the driver already: round-trip once more through the reviver.
  return JSON.parse(JSON.stringify(row.prepared), decodeTyped) as PreparedScenario;
}

/** Stores a finished shard; a retried shard computes the same numbers, so a second write is ignored. */
export async function saveShard(
  db: Kysely<Database>,
  shard: { runId: string; chunk: number; shard: number; vectors: Float64Array; parameters: Float64Array; places?: Float64Array; placesWidth?: number; worker: string },
): Promise<void> {
  await db
    .insertInto('scenario_run_shards')
    .values({ run_id: shard.runId, chunk: shard.chunk, shard: shard.shard, vectors: toBytes(shard.vectors), parameters: toBytes(shard.parameters),
      places: shard.places ? toBytes(shard.places) : null,
      places_width: shard.placesWidth ?? null,
      worker: shard.worker,
    })
    .onConflict((oc) => oc.columns(['run_id', 'chunk', 'shard']).doNothing())
    .execute();
}

export async function countShards(db: Kysely<Database>, runId: string, chunk: number): Promise<number> {
  const row = await db
    .selectFrom('scenario_run_shards')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('run_id', '=', runId)
    .where('chunk', '=', chunk)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function loadChunkShards(db: Kysely<Database>, runId: string, chunk: number): Promise<Array<{ shard: number; vectors: Float64Array; parameters: Float64Array; places: Float64Array | null; placesWidth: number | null; worker: string | null }>> {
  const rows = await db
    .selectFrom('scenario_run_shards')
    .select(['shard', 'vectors', 'parameters', 'places', 'places_width', 'worker'])
    .where('run_id', '=', runId)
    .where('chunk', '=', chunk)
    .orderBy('shard')
    .execute();
  return rows.map((row) => ({ shard: row.shard, vectors: toFloats(row.vectors), parameters: toFloats(row.parameters),
    places: row.places ? toFloats(row.places) : null,
    placesWidth: row.places_width,
    worker: row.worker,
  }));
}

export async function deleteRunData(db: Kysely<Database>, runId: string, chunk?: number): Promise<void> {
  let shards = db.deleteFrom('scenario_run_shards').where('run_id', '=', runId);
  if (chunk !== undefined) shards = shards.where('chunk', '=', chunk);
  await shards.execute();
  if (chunk === undefined) await db.deleteFrom('scenario_run_inputs').where('run_id', '=', runId).execute();
}
