/**
 * Reads the records of a data file (JSONL, JSON array, CSV, Parquet) as plain objects, each with
 * the line (JSONL, JSON, CSV) or row number (Parquet) it came from, so errors can point at it.
 */
import { readFileSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { parquetReadObjects } from 'hyparquet';
import { parseJsonLinesText, parseJsonRecordsText, type RawRecord } from '../data/json-records.js';
import { InputError } from '../util/errors.js';

export interface SourceRecord {
  line: number;
  value: Record<string, unknown>;
}

export interface RecordFile {
  file: string;
  format: 'jsonl' | 'json' | 'csv' | 'parquet';
  /** Column names when the format has a header (CSV, Parquet); row keys otherwise. */
  columns: string[] | null;
  records: SourceRecord[];
}

export const RECORD_EXTENSIONS = ['.jsonl', '.json', '.csv', '.parquet'];

function readBytes(file: string): Buffer {
  try {
    if (!statSync(file).isFile()) throw new InputError('not a regular file', { file });
    return readFileSync(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(`cannot read file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { file });
  }
}

export async function readRecordFile(file: string): Promise<RecordFile> {
  const ext = extname(file).toLowerCase();
  if (!RECORD_EXTENSIONS.includes(ext)) {
    throw new InputError(`unsupported file type "${ext || '(none)'}"; expected one of ${RECORD_EXTENSIONS.join(', ')}`, { file });
  }
  const bytes = readBytes(file);
  if (ext === '.parquet') return readParquet(file, bytes);
  const text = bytes.toString('utf8');
  if (ext === '.csv') return readCsv(file, text);
  // A ".json" file may be a JSON array (DeceptionBench's published form) or JSON Lines.
  if (ext === '.json') {
    const { container, records } = parseJsonRecordsText(text, file);
    return container === 'json-array' ? objectRecords(file, 'json', records) : objectRecords(file, 'jsonl', records);
  }
  return objectRecords(file, 'jsonl', parseJsonLinesText(text, file));
}

function objectRecords(file: string, format: 'jsonl' | 'json', records: RawRecord[]): RecordFile {
  const objects = records.map(({ line, value }, i) => {
    if (!isObject(value)) throw new InputError(format === 'json' ? `item ${i + 1} is not a JSON object` : 'each line must be a JSON object', { file, line });
    return { line, value };
  });
  return { file, format, columns: null, records: objects };
}

function readCsv(file: string, text: string): RecordFile {
  let rows: { record: Record<string, string>; info: { lines: number } }[];
  let columns: string[] = [];
  try {
    rows = parseCsv(text, {
      columns: (header: string[]) => {
        columns = header.map((h) => h.trim());
        return columns;
      },
      info: true,
      bom: true,
      skip_empty_lines: true,
      relax_quotes: false,
    }) as unknown as { record: Record<string, string>; info: { lines: number } }[];
  } catch (error) {
    const err = error as Error & { lines?: number };
    throw new InputError(`malformed CSV (${err.message})`, { file, line: err.lines });
  }
  return { file, format: 'csv', columns, records: rows.map((r) => ({ line: r.info.lines, value: r.record })) };
}

async function readParquet(file: string, bytes: Buffer): Promise<RecordFile> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let rows: Record<string, unknown>[];
  try {
    rows = (await parquetReadObjects({ file: buffer })) as Record<string, unknown>[];
  } catch (error) {
    throw new InputError(`not a readable Parquet file (${(error as Error).message})`, { file });
  }
  const [first] = rows;
  const columns = first ? Object.keys(first) : [];
  return { file, format: 'parquet', columns, records: rows.map((value, i) => ({ line: i + 1, value })) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
