/**
 * Hu et al. (arXiv 2510.08211) §4: Llama-3.1-8B self-trained on feedback from a population with a
 * given biased ratio; DeceptionBench total deception rate (%) after SFT self-training. Shown beside
 * Candor's figures for orientation, never asserted by tests.
 */
export const PAPER_SELF_TRAINING_DECEPTION_SFT: ReadonlyMap<number, number> = new Map([
  [0, 27.93],
  [0.1, 30.51],
  [0.5, 33.52],
  [1.0, 36.52],
]);

export const PAPER_SELF_TRAINING_SETUP =
  'Paper: Llama-3.1-8B, 50 AI-therapist scenarios, 2-turn conversations, top-k → SFT (5 epochs, lr 1e-4), top-k vs bottom-k → KTO (lr 1e-5, β 0.1); one round.';
