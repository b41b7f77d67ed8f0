/**
 * Probes a (possibly still training) checkpoint with probeModel and prints the figures as JSON.
 *   node --import tsx scripts/pretrain-probe.ts [DIR] [ITEMS]
 */
import { loadCheckpoint } from '../src/embedded/checkpoint.js';
import { probeModel } from '../src/embedded/probe.js';

const [dir = 'models/embedded-base', items = '300'] = process.argv.slice(2);
const { model, tokenizer, config } = await loadCheckpoint(dir);
const result = probeModel(model, tokenizer, { items: Number(items) });
const p = config.provenance as Record<string, unknown>;
console.log(JSON.stringify({ dir, step: p.step ?? p.steps, epochsDone: p.epochsDone, complete: p.complete, ...result }, null, 1));
model.dispose();
