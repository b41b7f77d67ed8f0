/**
 * The paper's published numbers (Hu et al., arXiv 2510.08211), drawn beside ours for orientation
 * only: a different model (Llama-3.1-8B), different data and scale, so never tested against ours.
 */
import type { ReferenceResults } from '../experiments/results-schema.js';

export const PAPER_REFERENCE: ReferenceResults = {
  label: 'Paper: Llama-3.1-8B + Alpaca 10k (Hu et al. 2025)',
  model: 'Llama-3.1-8B',
  source: 'Hu et al., "LLMs Learn to Deceive Unintentionally", arXiv 2510.08211',
  mask_provided_facts_honesty: [
    { arm: 'vanilla', ratio: null, value: 0.4781 },
    { arm: 'control', ratio: null, value: 0.6277 },
    { arm: 'ratio', ratio: 0.01, value: 0.5037 },
    { arm: 'ratio', ratio: 0.02, value: 0.4307 },
    { arm: 'ratio', ratio: 0.05, value: 0.4416 },
    { arm: 'ratio', ratio: 0.1, value: 0.3942 },
    { arm: 'ratio', ratio: 0.2, value: 0.3394 },
    { arm: 'ratio', ratio: 0.3, value: 0.3577 },
  ],
  deception_total: [
    { arm: 'vanilla', ratio: null, value: 0.2694 },
    { arm: 'control', ratio: null, value: 0.257 },
    { arm: 'ratio', ratio: 0.3, value: 0.3056 },
  ],
};
