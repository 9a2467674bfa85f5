import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync } from 'fflate';

/** Helpers for the calibration API tests: the Northvale fixture and multipart bodies. */

export const NORTHVALE = path.join(import.meta.dirname, '../fixtures/ssda903/northvale');

export interface FormFile {
  name: string;
  content: Uint8Array | string;
}

/** The fixture's CSV files, optionally only some return years. */
export function northvaleFiles(years?: readonly number[]): FormFile[] {
  return readdirSync(NORTHVALE)
    .filter((name) => name.endsWith('.csv') && (!years || years.some((y) => name.startsWith(`${y}-`))))
    .sort()
    .map((name) => ({ name, content: readFileSync(path.join(NORTHVALE, name)) }));
}

export function zipOf(files: readonly FormFile[]): Uint8Array {
  return zipSync(Object.fromEntries(files.map((f) => [f.name, typeof f.content === 'string' ? new TextEncoder().encode(f.content) : f.content])));
}

/** A multipart/form-data body, built by the platform's FormData so the encoding is a browser's. */
export async function multipartForm(
  files: readonly FormFile[],
  fields: Record<string, string> = {},
  parts: readonly { part: string; file: FormFile }[] = [],
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const file of files) form.append('files', new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]), file.name);
  // Other file parts under their own names (the population).
  for (const { part, file } of parts) form.append(part, new Blob([typeof file.content === 'string' ? file.content : new Uint8Array(file.content)]), file.name);
  const response = new Response(form);
  return { payload: Buffer.from(await response.arrayBuffer()), headers: { 'content-type': response.headers.get('content-type') as string } };
}
