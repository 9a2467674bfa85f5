import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level and no whitespace, so two documents that differ
 * only in key order or layout give the same text (and the same hash). Array order is kept.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item !== undefined) out[key] = sortKeys(item);
    }
    return out;
  }
  return value;
}

/**
 * The content hash of a model version: sha256 of its canonical JSON. `$schema` is left out: it
 * only tells editors where the schema file is and says nothing about the model.
 */
export function modelContentHash(spec: object): string {
  const { $schema: _ignored, ...content } = spec as Record<string, unknown>;
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('hex');
}
