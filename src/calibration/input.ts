import { CsvError, parse } from 'csv-parse';
import ExcelJS from 'exceljs';
import { Unzip, UnzipInflate } from 'fflate';
import { BadRequestError, DomainError, PayloadTooLargeError } from '../services/errors.ts';
import { returnYearFromName } from './tables.ts';

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

/** Spreadsheet files: .xlsx and .xlsm are read (first sheet); the others are refused in plain words. */
const WORKBOOK = /\.xls[xm]$/i;
const UNREADABLE_SPREADSHEET = /\.(xls|xlsb|ods|numbers)$/i;

export function isWorkbookName(name: string): boolean {
  return WORKBOOK.test(name);
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
    const base = baseName(file.name);
    // Archives often keep each year in a folder (2023-24/episodes.csv): the folder names the year.
    const folder = file.name.split(/[\\/]/).slice(-2, -1)[0];
    const name = returnYearFromName(base) === undefined && folder && returnYearFromName(folder) !== undefined ? `${folder}/${base}` : base;
    if (file.name.endsWith('/') || file.name.startsWith('__MACOSX/') || base.startsWith('.') || base === '') return;
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
    if (UNREADABLE_SPREADSHEET.test(upload.name)) {
      throw new BadRequestError(`${baseName(upload.name)} is a spreadsheet in a format that cannot be read here: save it as .xlsx, or save each sheet as CSV`);
    }
    if (!WORKBOOK.test(upload.name) && looksLikeZip(upload.name, firstBytes)) {
      const archive = await collect(limitedChunks(upload, { ...limits, maxFileBytes: limits.maxTotalBytes }, budget));
      const entries = expandZip(upload.name, archive, limits);
      if (entries.some((e) => e.name === '[Content_Types].xml')) {
        // An Excel workbook under another name: read as one, never listed by its inner parts.
        out.push({ name: `${baseName(upload.name).replace(/\.[^.]*$/, '')}.xlsx`, size: archive.length, chunks: async function* () { yield archive; } });
      } else {
        for (const entry of entries) {
          if (UNREADABLE_SPREADSHEET.test(entry.name)) throw new BadRequestError(`${upload.name}: ${entry.name} is a spreadsheet in a format that cannot be read here: save it as .xlsx, or save each sheet as CSV`);
        }
        out.push(...entries);
      }
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
 * The text of a CSV file whatever encoding it was saved in: UTF-8 (with or without a byte order
 * mark), UTF-16 (little or big endian, with a byte order mark, or without one when every other
 * byte is zero, as some Windows tools write it) or, when the bytes are not valid UTF-8,
 * Windows-1252 (Excel's "CSV" on a British Windows machine).
 */
export function decodeText(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' } {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  if (bytes.length >= 4) {
    let oddZeros = 0;
    let evenZeros = 0;
    const n = Math.min(bytes.length, 4096) & ~1;
    for (let i = 0; i < n; i += 2) {
      if (bytes[i] === 0) evenZeros += 1;
      if (bytes[i + 1] === 0) oddZeros += 1;
    }
    if (oddZeros > 0.4 * (n / 2) && evenZeros === 0) return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
    if (evenZeros > 0.4 * (n / 2) && oddZeros === 0) return { text: new TextDecoder('utf-16be').decode(bytes), encoding: 'utf-16be' };
  }
  const start = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start)), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/** One record: its row number in the file (the header is row 1, as a spreadsheet shows it) and its cells. */
export interface CsvRow {
  row: number;
  cells: string[];
}

/**
 * Reads a table source, calling `onRow` for each record (the header included, as row 1): a CSV
 * file in any of the encodings decodeText knows, or the first sheet of an Excel workbook. The
 * file is held in memory once (it is within the per-file limit). Unreadable CSV (an unclosed
 * quote, a giant cell) or an unreadable workbook becomes a 400 naming the file, never a part of it.
 */
export async function readTable(source: CsvSource, onRow: (row: CsvRow) => void, onBytes?: (bytes: number) => void): Promise<void> {
  const parts: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of source.chunks()) {
    onBytes?.(chunk.length);
    parts.push(chunk);
    total += chunk.length;
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    bytes.set(part, offset);
    offset += part.length;
  }
  if (WORKBOOK.test(source.name)) {
    await readWorkbook(source.name, bytes, onRow);
    return;
  }
  if (bytes.length >= 4 && ZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    throw new BadRequestError(`${source.name} is an Excel workbook or an archive, not a CSV file: name a workbook .xlsx, or save each sheet as CSV`);
  }
  const { text } = decodeText(bytes);
  const parser = parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, trim: true, max_record_size: 64 * 1024 });
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row += 1;
      onRow({ row, cells: record });
    }
  } catch (error) {
    if (error instanceof DomainError) throw error;
    if (error instanceof CsvError || (error as { code?: string }).code?.startsWith('CSV_')) {
      throw new BadRequestError(`${source.name} is not a readable CSV file: ${(error as Error).message}`);
    }
    throw error;
  }
}

/** Kept for callers that stream CSV: the same as readTable. */
export const streamCsv = readTable;

/** A cell of a workbook as the text a CSV export would hold: dates as YYYY-MM-DD, formulas by their result. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso;
  }
  if (typeof value === 'object') {
    const v = value as { result?: unknown; richText?: { text: string }[]; text?: unknown; error?: unknown };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if (v.text !== undefined) return cellText(v.text);
    if (v.error !== undefined) return '';
    return '';
  }
  return String(value);
}

/**
 * The first sheet of a workbook, row by row. The archive is first inflated under the same caps
 * as an uploaded zip (so a workbook cannot be a zip bomb), then read by exceljs.
 */
async function readWorkbook(name: string, bytes: Uint8Array, onRow: (row: CsvRow) => void): Promise<void> {
  const refuse = () => new BadRequestError(`${name} is not a readable Excel workbook: save it again from Excel, or save its first sheet as CSV`);
  try {
    expandZip(name, bytes, { ...DEFAULT_INPUT_LIMITS, maxZipEntries: 1000 });
  } catch (error) {
    if (error instanceof PayloadTooLargeError) throw error;
    throw refuse();
  }
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as ArrayBuffer);
  } catch {
    throw refuse();
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new BadRequestError(`${name} has no worksheet`);
  // A sheet stores no cell for a blank at the end of a row: rows are padded to the header's width.
  let width = 0;
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as unknown[];
    const cells: string[] = [];
    for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]).trim());
    while (cells.length > 0 && cells[cells.length - 1] === '') cells.pop();
    if (cells.length === 0) return;
    if (width === 0) width = cells.length;
    while (cells.length < width) cells.push('');
    onRow({ row: rowNumber, cells });
  });
}
