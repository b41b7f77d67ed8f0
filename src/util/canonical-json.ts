/**
 * Canonical JSON and sha256 digests: the one definition every content hash in Candor uses (sample
 * and dataset digests, TRL manifests and job digests, experiment config digests, call-store keys).
 * Data digests are pinned by tests and must give the same bytes on every platform and in every
 * run, so the definition is fixed:
 *
 *   canonical JSON of a value =
 *     the value serialised as JSON with
 *       - object keys sorted by Unicode code point (what Python's sort_keys does), members whose
 *         value is undefined dropped,
 *       - no insignificant whitespace (separators "," and ":"),
 *       - every string (keys too) in Unicode NFC, with CRLF and lone CR line endings turned into LF
 *         (no trimming: leading/trailing whitespace can matter, e.g. in code),
 *       - non-ASCII characters written as themselves (not \u escapes), encoded as UTF-8,
 *       - JSON's standard escapes for '"', '\\' and control characters (as JSON.stringify writes them),
 *       - no non-finite numbers (they have no JSON form; canonicalising one throws).
 *
 * Python reproduces it with
 *   json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
 * applied to the NFC/LF-normalised object (identical except for exotic control characters, which
 * Python writes as \u00XX where JavaScript uses \b \f).
 *
 * `exactCanonicalJson` is the same serialisation with strings left byte for byte as given. It exists
 * for the model-call key: a model sees "a\r\nb" and "a\nb" as different prompts, so a cache must
 * not merge them, whereas two copies of one dataset that differ only in line endings are one dataset.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** The text normalisation data identity uses: LF line endings, Unicode NFC. */
export function normaliseText(text: string): string {
  return text.replace(/\r\n?/g, '\n').normalize('NFC');
}

const keepText = (text: string): string => text;

function canonicalValue(value: unknown, text: (s: string) => string): unknown {
  if (typeof value === 'string') return text(value);
  if (Array.isArray(value)) return value.map((v) => canonicalValue(v, text));
  if (value !== null && typeof value === 'object') {
    const source = value as Record<string, unknown>;
    const byKey = new Map<string, unknown>();
    for (const key of Object.keys(source)) {
      if (source[key] !== undefined) byKey.set(text(key), source[key]);
    }
    const out: Record<string, unknown> = {};
    for (const key of [...byKey.keys()].sort(compareCodePoints)) out[key] = canonicalValue(byKey.get(key), text);
    return out;
  }
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON cannot hold a non-finite number');
  return value;
}

/** Code-point order (what Python's sort_keys does), not UTF-16 unit order. */
function compareCodePoints(a: string, b: string): number {
  const ca = Array.from(a, (char) => char.codePointAt(0) ?? 0);
  const cb = Array.from(b, (char) => char.codePointAt(0) ?? 0);
  for (let i = 0; ; i++) {
    const x = ca[i];
    const y = cb[i];
    if (x === undefined || y === undefined) return ca.length - cb.length;
    if (x !== y) return x - y;
  }
}

/** Canonical JSON of any JSON value, strings normalised (the identity of data and configs). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value, normaliseText));
}

/** Canonical JSON with every string kept exactly as given (see the module comment for why). */
export function exactCanonicalJson(value: unknown): string {
  return JSON.stringify(canonicalValue(value, keepText));
}

/** Lowercase hex sha256; strings are hashed as UTF-8. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** sha256 of a value's canonical JSON. */
export function digestOf(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

/** sha256 of a file's bytes, streamed, with the byte count. */
export async function fileSha256(path: string): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), bytes };
}
