/**
 * Digests of samples and datasets. These digests are the identity of data everywhere in Candor
 * (manifests, mixes, lineage), so the definition is fixed and must give the same bytes on every
 * platform and in every run:
 *
 *   sample digest  = lowercase hex sha256 of the UTF-8 canonical JSON (src/util/canonical-json.ts)
 *                    of the normalised sample: ChatSample {messages:[{role, content}]} or KtoSample
 *                    {prompt, completion, label}; no other fields.
 *   dataset digest = lowercase hex sha256 of the sample digests, in dataset order, joined by "\n".
 *
 * Python reproduces a sample digest with
 *   hashlib.sha256(json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()
 * applied to the NFC/LF-normalised object.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, sha256Hex } from '../util/canonical-json.js';
import type { Sample } from './types.js';

/** Only the fields that define a sample take part in its identity. */
function sampleCore(sample: Sample): unknown {
  if ('completion' in sample) return { prompt: sample.prompt, completion: sample.completion, label: sample.label };
  return { messages: sample.messages.map((m) => ({ role: m.role, content: m.content })) };
}

export function canonicalSampleJson(sample: Sample): string {
  return canonicalJson(sampleCore(sample));
}

export function sampleDigest(sample: Sample): string {
  return sha256Hex(canonicalSampleJson(sample));
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
