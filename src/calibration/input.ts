import { Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import { Unzip, UnzipInflate } from 'fflate';
import { BadRequestError, DomainError, PayloadTooLargeError } from '../services/errors.ts';

/**
 * Reading uploaded return files safely: a size limit checked while the bytes arrive (a large
 * upload is refused before it is read to the end), zip archives expanded with caps on the
 * number of entries and on the bytes they inflate to (a zip bomb stops at the cap, whatever its
 * headers claim), and CSV parsed as a stream.
 */

export interface Ssda903Upload {
  /** The file name as uploaded (e.g. 2024-episodes.csv, or returns.zip). */
  name: string;
  /** The content as a stream (a multipart part, a file stream) ... */
  stream?: AsyncIterable<Uint8Array>;
  /** ... or in memory. */
  buffer?: Uint8Array;
}

export interface InputLimits {
  /** Largest single CSV file (bytes), inside or outside an archive. */
  maxFileBytes: number;
  /** Largest total of all uploads as received (bytes). */
  maxTotalBytes: number;
  /** Most files in one zip archive. */
  maxZipEntries: number;
  /** Most bytes all the entries of the archives may inflate to. */
  maxUncompressedBytes: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_INPUT_LIMITS: InputLimits = {
  maxFileBytes: 10 * MIB,
  maxTotalBytes: 100 * MIB,
  maxZipEntries: 200,
  maxUncompressedBytes: 200 * MIB,
};

/** A named CSV source: from an upload directly, or an entry of an uploaded archive. */
export interface CsvSource {
  name: string;
  chunks: () => AsyncIterable<Uint8Array>;
  size?: number;
}

/** Counts bytes across all uploads so the total limit holds. */
export class ByteBudget {
  used = 0;
  readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  take(bytes: number, name: string): void {
    this.used += bytes;
    if (this.used > this.limit) {
      throw new PayloadTooLargeError(`The upload is larger than ${formatBytes(this.limit)} in total (reached while reading ${name})`);
    }
  }
}

export function formatBytes(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(bytes % MIB === 0 ? 0 : 1)} MiB` : `${bytes} bytes`;
}

/** The upload's bytes, refusing as soon as the file or the total passes its limit. */
async function* limitedChunks(upload: Ssda903Upload, limits: InputLimits, budget: ByteBudget): AsyncIterable<Uint8Array> {
  if (upload.buffer) {
    if (upload.buffer.length > limits.maxFileBytes) throw tooLarge(upload.name, limits.maxFileBytes);
    budget.take(upload.buffer.length, upload.name);
    yield upload.buffer;
    return;
  }
  if (!upload.stream) throw new BadRequestError(`${upload.name} has no content`);
  let size = 0;
  for await (const chunk of upload.stream) {
    size += chunk.length;
    if (size > limits.maxFileBytes) {
      throw tooLarge(upload.name, limits.maxFileBytes);
    }
    budget.take(chunk.length, upload.name);
    yield chunk;
  }
}

function tooLarge(name: string, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`${name} is larger than the ${formatBytes(limit)} a single file may be`);
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

function looksLikeZip(name: string, firstBytes: Uint8Array | undefined): boolean {
  if (/\.zip$/i.test(name)) return true;
  return !!firstBytes && firstBytes.length >= 4 && ZIP_MAGIC.every((b, i) => firstBytes[i] === b);
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    parts.push(chunk);
    total += chunk.length;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1];
}

/**
 * Expands an archive in memory, inflating entry by entry and counting the bytes actually produced
 * (never trusting the sizes the archive declares). Folders, dot-files and macOS resource forks are
 * skipped; a nested archive is refused.
 */
export function expandZip(zipName: string, archive: Uint8Array, limits: InputLimits): CsvSource[] {
  const files: CsvSource[] = [];
  let failure: DomainError | undefined;
  let entries = 0;
  let inflated = 0;
  const unzip = new Unzip((file) => {
    if (failure) return;
    const name = baseName(file.name);
    if (file.name.endsWith('/') || file.name.startsWith('__MACOSX/') || name.startsWith('.') || name === '') return;
    entries += 1;
    if (entries > limits.maxZipEntries) {
      failure = new PayloadTooLargeError(`${zipName} has more than ${limits.maxZipEntries} files`);
      return;
    }
    if (/\.zip$/i.test(name)) {
      failure = new BadRequestError(`${zipName} contains another archive (${name}); upload the CSV files themselves`);
      return;
    }
    if (file.originalSize !== undefined && file.originalSize > limits.maxFileBytes) {
      failure = tooLarge(`${zipName}/${name}`, limits.maxFileBytes);
      return;
    }
    const parts: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) {
        failure = new BadRequestError(`${zipName}: ${name} cannot be decompressed (${err.message})`);
        return;
      }
      size += chunk.length;
      inflated += chunk.length;
      if (size > limits.maxFileBytes) {
        failure = tooLarge(`${zipName}/${name}`, limits.maxFileBytes);
        file.terminate();
        return;
      }
      if (inflated > limits.maxUncompressedBytes) {
        failure = new PayloadTooLargeError(`${zipName} inflates to more than ${formatBytes(limits.maxUncompressedBytes)}`);
        file.terminate();
        return;
      }
      parts.push(chunk);
      if (final) {
        const content = new Uint8Array(size);
        let offset = 0;
        for (const part of parts) {
          content.set(part, offset);
          offset += part.length;
        }
        files.push({ name, size, chunks: async function* () { yield content; } });
      }
    };
    try {
      file.start();
    } catch {
      failure = new BadRequestError(`${zipName}: ${name} uses a compression method other than deflate`);
    }
  });
  unzip.register(UnzipInflate);
  const SLICE = 16 * 1024;
  try {
    for (let offset = 0; offset < archive.length && !failure; offset += SLICE) {
      const end = Math.min(archive.length, offset + SLICE);
      unzip.push(archive.subarray(offset, end), end === archive.length);
    }
  } catch (error) {
    if (!failure) failure = new BadRequestError(`${zipName} is not a readable zip archive (${(error as Error).message})`);
  }
  if (failure) throw failure;
  if (files.length === 0) throw new BadRequestError(`${zipName} contains no files`);
  return files;
}

/** The CSV sources in a set of uploads: plain files as streams, archives expanded. */
export async function csvSources(uploads: Ssda903Upload[], limits: InputLimits, budget: ByteBudget): Promise<CsvSource[]> {
  const out: CsvSource[] = [];
  for (const upload of uploads) {
    const firstBytes = upload.buffer?.subarray(0, 4);
    if (looksLikeZip(upload.name, firstBytes)) {
      const archive = await collect(limitedChunks(upload, { ...limits, maxFileBytes: limits.maxTotalBytes }, budget));
      out.push(...expandZip(upload.name, archive, limits));
    } else {
      let used = false;
      out.push({
        name: baseName(upload.name),
        size: upload.buffer?.length,
        chunks: () => {
          if (used) throw new Error(`${upload.name} was already read`);
          used = true;
          return limitedChunks(upload, limits, budget);
        },
      });
    }
  }
  return out;
}

/** One CSV record: its row number in the file (the header is row 1) and its cells. */
export interface CsvRow {
  row: number;
  cells: string[];
}

/**
 * Streams a CSV source through csv-parse, calling `onRow` for each record (the header included,
 * as row 1). Unreadable CSV (an unclosed quote, a giant cell) becomes a 400 naming the file.
 */
export async function streamCsv(source: CsvSource, onRow: (row: CsvRow) => void, onBytes?: (bytes: number) => void): Promise<void> {
  const parser = parse({ bom: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true, max_record_size: 64 * 1024 });
  const counted = async function* () {
    for await (const chunk of source.chunks()) {
      onBytes?.(chunk.length);
      yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  };
  const input = Readable.from(counted());
  input.on('error', (error) => parser.destroy(error));
  input.pipe(parser);
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      onRow({ row, cells: record });
    }
  } catch (error) {
    input.destroy();
    if (error instanceof DomainError) throw error;
    if (error instanceof CsvError || (error as { code?: string }).code?.startsWith('CSV_')) {
      throw new BadRequestError(`${source.name} is not a readable CSV file: ${(error as Error).message}`);
    }
    throw error;
  }
}
