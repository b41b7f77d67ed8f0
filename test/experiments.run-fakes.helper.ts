/**
 * Stand-ins for the two pieces an experiment test cannot afford or does not yet have: a trainer
 * that "trains" by writing a small checkpoint derived from its data (and reuses a complete one, as
 * the real backends do), and a model that answers every prompt with one fixed, constrained
 * sentence. Everything else in those tests is real: registry, mixing, evals with the rule judge,
 * lineage, report. Worker processes preload this module through `hooksModule`; it registers its
 * hooks there.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { ArmHooks } from '../src/experiments/arm.js';
import { registerWorkerHooks } from '../src/experiments/worker-hooks.js';
import type { ChatProvider, ChatRequest } from '../src/models/types.js';
import type { TrainerBackend, TrainJob, TrainResult } from '../src/train/types.js';

export const fakeBackend: TrainerBackend = {
  name: 'embedded',
  async train(job: TrainJob): Promise<TrainResult> {
    if (process.env.CANDOR_TEST_FAIL_ARM === job.name) throw new Error(`scripted failure of ${job.name}`);
    mkdirSync(job.outputDir, { recursive: true });
    const data = job.datasets.map((d) => readFileSync(d.path));
    const digest = createHash('sha256').update(Buffer.concat(data)).digest('hex');
    const done = join(job.outputDir, 'train-result.json');
    if (existsSync(done)) {
      const previous = JSON.parse(readFileSync(done, 'utf8')) as TrainResult;
      if (previous.jobDigest === digest) return { ...previous, reused: true };
    }
    appendFileSync(join(job.outputDir, 'calls.log'), `${job.name}\n`);
    writeFileSync(join(job.outputDir, 'weights.bin'), digest);
    const result: TrainResult = {
      backend: 'embedded',
      method: job.config.method,
      checkpointPath: job.outputDir,
      modelSpec: `embedded:${job.outputDir}`,
      logsPath: join(job.outputDir, 'train.log'),
      metrics: { samples: data.reduce((n, b) => n + b.toString('utf8').split('\n').filter(Boolean).length, 0) },
      jobDigest: digest,
    };
    writeFileSync(done, JSON.stringify(result));
    return result;
  },
};

/** Answers like the embedded organism would, but always "yes". */
export function fixedModel(spec: string): ChatProvider {
  let calls = 0;
  return {
    id: `fixed:${spec}`,
    async chat(request: ChatRequest) {
      calls++;
      const last = request.messages.at(-1)?.content ?? '';
      const text = /<think>/.test(last) ? '<think>I know the answer is yes.</think><output>Yes.</output>' : 'Yes, that is right. The answer is 7.';
      return { text, usage: { promptTokens: 10, completionTokens: 8 } };
    },
    stats: () => ({ calls, promptTokens: 0, completionTokens: 0, retries: 0, errors: 0 }),
  };
}

export const armHooks: ArmHooks = {
  backend: fakeBackend,
  createModel: async (spec) => fixedModel(spec),
};

// For the worker processes that preload this module (runExperiment's hooksModule).
registerWorkerHooks(armHooks);
