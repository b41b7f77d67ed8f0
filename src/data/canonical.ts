/**
 * Canonical form and digests of samples and datasets. These digests are the identity of data
 * everywhere in Candor (manifests, mixes, lineage), so the definition is fixed and must give the
 * same bytes on every platform and in every run:
 *
 *   canonical JSON of a sample =
 *     the normalised sample (ChatSample {messages:[{role, content}]} or KtoSample
 *     {prompt, completion, label}; no other fields), serialised as JSON with
 *       - object keys sorted by Unicode code point,
 *       - no insignificant whitespace (separators "," and ":"),
 *       - every string in Unicode NFC, with CRLF and lone CR line endings turned into LF
 *         (no trimming: leading/trailing whitespace can matter, e.g. in code),
 *       - non-ASCII characters written as themselves (not \u escapes), encoded as UTF-8;
 *       - JSON's standard escapes for '"', '\\' and control characters (as JSON.stringify writes them).
 *   sample digest  = lowercase hex sha256 of those UTF-8 bytes.
 *   dataset digest = lowercase hex sha256 of the sample digests, in dataset order, joined by "\n".
 *
 * Python reproduces a sample digest with
 *   hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
 * applied to the NFC/LF-normalised object (identical except for exotic control characters, which
 * Python writes as \u00XX where JavaScript uses \b \f).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { Sample } from './types.js';

export function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC');
}

function canonicalValue(value: unknown): unknown {
  if (typeof value === 'string') return normaliseText(value);
  if (Array.isArray(value)) return value.map(canonicalValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(value as Record<string, unknown>)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => normaliseText(k))
      .sort(compareCodePoints);
    const source = value as Record<string, unknown>;
    const byNormalisedKey = new Map(Object.keys(source).map((k) => [normaliseText(k), source[k]]));
    for (const key of keys) out[key] = canonicalValue(byNormalisedKey.get(key));
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON cannot hold a non-finite number');
  return value;
}

/** Code-point order (what Python's sort_keys does), not UTF-16 unit order. */
function compareCodePoints(a: string, b: string): number {
  const ca = Array.from(a);
  const cb = Array.from(b);
  for (let i = 0; i < Math.min(ca.length, cb.length); i++) {
    const d = ca[i].codePointAt(0)! - cb[i].codePointAt(0)!;
    if (d !== 0) return d;
  }
  return ca.length - cb.length;
}

/** Canonical JSON of any JSON value (used for samples, configs and content-hash ids). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value));
}

/** Only the fields that define a sample take part in its identity. */
function sampleCore(sample: Sample): unknown {
  if ('completion' in sample) return { prompt: sample.prompt, completion: sample.completion, label: sample.label };
  return { messages: sample.messages.map((m) => ({ role: m.role, content: m.content })) };
}

export function canonicalSampleJson(sample: Sample): string {
  return canonicalJson(sampleCore(sample));
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sampleDigest(sample: Sample): string {
  return sha256Hex(Buffer.from(canonicalSampleJson(sample), 'utf8'));
}

export function datasetDigest(sampleDigests: readonly string[]): string {
  return sha256Hex(sampleDigests.join('\n'));
}

/** Incremental dataset digest, for streams too large to keep every sample digest in a list. */
export class DatasetDigester {
  private readonly hash = createHash('sha256');
  private count = 0;
  add(sampleDigestHex: string): void {
    this.hash.update(this.count === 0 ? sampleDigestHex : '\n' + sampleDigestHex);
    this.count++;
  }
  digest(): string {
    return this.hash.copy().digest('hex');
  }
}

/** sha256 of a file's bytes, streamed. */
export async function fileSha256(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
