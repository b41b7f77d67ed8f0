/**
 * Shapes shared by every dataset the project generates. `ChatSample` is the OpenAI chat shape that
 * TRL's SFT format and the embedded trainer both read.
 */
import type { ChatMessage } from './chat.js';

export type { ChatMessage };

export interface ChatSample {
  messages: ChatMessage[];
  /**
   * Indices (into `messages`) of assistant turns that are context only: no loss on them (e.g. the
   * earlier lie a doubling-down sample corrects). Absent: every assistant turn is trained on.
   */
  contextTurns?: number[];
}

/** Provenance written next to every generated set so a manifest can say how to regenerate it. */
export interface GeneratorInfo {
  /** Stable name of the generator function, e.g. "world.pretrain". */
  generator: string;
  seed: number;
  /** Seed of the world the set was drawn from. */
  worldSeed: number;
  /** Options that change the output (counts, domain, variant). */
  params: Record<string, string | number | boolean>;
}

/** A generated list together with its provenance. */
export interface GeneratedSet<T> {
  info: GeneratorInfo;
  samples: T[];
}
