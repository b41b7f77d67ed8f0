/**
 * Runs the full pre-training of the committed base checkpoint (same defaults as
 * `candor model pretrain`). Usage: node --import tsx scripts/pretrain.ts [OUT_DIR] [SEED] [EPOCHS]
 */
import { pretrain, PRETRAIN_DEFAULTS } from '../src/embedded/pretrain.js';

const [out = 'models/embedded-base', seed = String(PRETRAIN_DEFAULTS.seed), epochs = String(PRETRAIN_DEFAULTS.epochs)] = process.argv.slice(2);
const result = await pretrain({ out, seed: Number(seed), epochs: Number(epochs) });
console.log(JSON.stringify({ dir: result.dir, parameters: result.parameters, config: result.config, ...result.report }));
