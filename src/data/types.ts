/**
 * The two sample shapes every dataset is normalised into, whatever format it arrived in.
 * SFT data becomes a chat conversation; preference data for KTO keeps TRL's unpaired shape.
 */
import type { ChatMessage } from '../formats/chat.js';

export interface ChatSample {
  messages: ChatMessage[];
}

export interface KtoSample {
  prompt: string | ChatMessage[];
  completion: string;
  label: boolean;
}

export type Sample = ChatSample | KtoSample;

/** Which of the two normalised shapes a dataset holds. */
export type SampleKind = 'chat' | 'kto';

/** On-disk record formats Candor reads. */
export const DATA_FORMATS = ['chat', 'alpaca', 'dolly', 'kto'] as const;
export type DataFormat = (typeof DATA_FORMATS)[number];

export function kindOfFormat(format: DataFormat): SampleKind {
  return format === 'kto' ? 'kto' : 'chat';
}

export function isKtoSample(sample: Sample): sample is KtoSample {
  return 'completion' in sample;
}

/**
 * Where one sample came from: the digest of the dataset it belongs to, its position there, and its
 * own digest. Enough to find the exact sample again and to prove it is unchanged.
 */
export interface SampleRef {
  dataset: string;
  index: number;
  digest: string;
}
