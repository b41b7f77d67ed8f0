/**
 * Short pilot of the pre-training run: trains for a few minutes and prints loss per checkpoint,
 * so a full run is only started once loss is seen to fall. Usage:
 *   node --import tsx scripts/pretrain-pilot.ts OUT_DIR MAX_STEPS [EPOCHS]
 */
import { pretrain } from '../src/embedded/pretrain.js';

const [out = '/tmp/candor-pilot', maxSteps = '200', epochs = '40'] = process.argv.slice(2);
const result = await pretrain({
  out,
  maxSteps: Number(maxSteps),
  epochs: Number(epochs),
  checkpointEverySteps: 100,
  afterCheckpoint: (state) => {
    process.stderr.write(`[pilot] step ${state.step} loss ${state.loss.toFixed(3)} ${(state.tokens / state.seconds).toFixed(0)} tok/s\n`);
  },
});
console.log(JSON.stringify({ ...result.report, parameters: result.parameters, config: result.config }));
