/**
 * Readers: stream any supported data file as normalised samples, validating every record.
 */
import { InputError } from '../util/errors.js';
import { formatFieldPath } from '../util/field-path.js';
import { detectFormat, recordSchemas } from './formats.js';
import { readJsonRecords } from './json-records.js';
import { DATA_FORMATS, type DataFormat, type Sample } from './types.js';
import { firstIssue } from '../util/zod-issue.js';

export interface ReadOptions {
  /** Skip auto-detection and validate every record as this format. */
  format?: DataFormat;
}

export interface ReadSample {
  sample: Sample;
  /** 1-based line the record starts on. */
  line: number;
  format: DataFormat;
}

export function parseDataFormat(text: string, where: { file?: string; field?: string } = {}): DataFormat {
  if ((DATA_FORMATS as readonly string[]).includes(text)) return text as DataFormat;
  throw new InputError(`unknown data format "${text}"; expected one of ${DATA_FORMATS.join(', ')}`, where);
}

/** Yields each record as a sample; the format is fixed by the first record unless given. */
export async function* readSamples(file: string, options: ReadOptions = {}): AsyncGenerator<ReadSample> {
  let format = options.format;
  for await (const record of readJsonRecords(file)) {
    if (!format) {
      format = detectFormat(record.value);
      if (!format) {
        throw new InputError(
          'cannot tell the data format from the first record; expected keys "messages" (chat), "instruction"+"output" (alpaca), "instruction"+"response" (dolly) or "prompt"+"completion"+"label" (kto), or pass --format',
          { file, line: record.line },
        );
      }
    }
    yield { sample: parseRecord(record.value, format, file, record.line), line: record.line, format };
  }
}

export function parseRecord(value: unknown, format: DataFormat, file: string, line: number): Sample {
  const parsed = recordSchemas[format].safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = firstIssue(parsed.error);
  throw new InputError(`${issue.message} (as ${format} record)`, { file, line, field: formatFieldPath(issue.path, '(record)') });
}

/** Reads the whole file into memory; for files known to be small (tests, generated sets). */
export async function readAllSamples(file: string, options: ReadOptions = {}): Promise<{ samples: Sample[]; format: DataFormat | undefined }> {
  const samples: Sample[] = [];
  let format: DataFormat | undefined = options.format;
  for await (const read of readSamples(file, options)) {
    samples.push(read.sample);
    format = read.format;
  }
  return { samples, format };
}
