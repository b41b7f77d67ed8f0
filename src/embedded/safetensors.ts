/**
 * Minimal safetensors reader/writer (F32 only): 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets}} (plus optional __metadata__), then the raw data.
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { z } from 'zod';

export interface NamedTensor {
  shape: number[];
  data: Float32Array;
}

const EntrySchema = z.object({
  dtype: z.literal('F32'),
  shape: z.array(z.number().int().nonnegative()),
  data_offsets: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
});

export function encodeSafetensors(tensors: Map<string, NamedTensor>, metadata: Record<string, string> = {}): Buffer {
  const names = [...tensors.keys()].sort();
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors.get(name)!;
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.data.length) throw new Error(`tensor ${name}: shape ${t.shape} does not match ${t.data.length} values`);
    header[name] = { dtype: 'F32', shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    offset += t.data.byteLength;
  }
  let json = JSON.stringify(header);
  // Pad the header with spaces so the data starts 8-byte aligned (allowed by the format).
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const headerBytes = Buffer.from(json, 'utf8');
  const out = Buffer.alloc(8 + headerBytes.length + offset);
  out.writeBigUInt64LE(BigInt(headerBytes.length), 0);
  headerBytes.copy(out, 8);
  let pos = 8 + headerBytes.length;
  for (const name of names) {
    const t = tensors.get(name)!;
    Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).copy(out, pos);
    pos += t.data.byteLength;
  }
  return out;
}

export function decodeSafetensors(bytes: Buffer, file = 'model.safetensors'): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new Error(`${file}: too short to be a safetensors file`);
  const headerLength = Number(bytes.readBigUInt64LE(0));
  if (8 + headerLength > bytes.length) throw new Error(`${file}: header length ${headerLength} exceeds file size`);
  const raw = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<string, unknown>;
  const dataStart = 8 + headerLength;
  const tensors = new Map<string, NamedTensor>();
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (name === '__metadata__') {
      metadata = z.record(z.string(), z.string()).parse(value);
      continue;
    }
    const entry = EntrySchema.safeParse(value);
    if (!entry.success) throw new Error(`${file}: tensor ${name}: ${entry.error.issues[0]?.message ?? 'bad entry'} (only F32 is supported)`);
    const [begin, end] = entry.data.data_offsets;
    const size = entry.data.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== size * 4 || dataStart + end > bytes.length) throw new Error(`${file}: tensor ${name}: data offsets do not match its shape`);
    // Copy into a fresh, aligned buffer.
    const data = new Float32Array(size);
    Buffer.from(data.buffer).set(bytes.subarray(dataStart + begin, dataStart + end));
    tensors.set(name, { shape: entry.data.shape, data });
  }
  return { tensors, metadata };
}

/** Writes atomically (temp file + rename) so a kill never leaves a half-written checkpoint. */
export function writeSafetensors(path: string, tensors: Map<string, NamedTensor>, metadata: Record<string, string> = {}): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, encodeSafetensors(tensors, metadata));
  renameSync(tmp, path);
}

export function readSafetensors(path: string): { tensors: Map<string, NamedTensor>; metadata: Record<string, string> } {
  return decodeSafetensors(readFileSync(path), path);
}
