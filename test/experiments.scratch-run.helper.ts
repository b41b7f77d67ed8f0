/**
 * A scratch experiment for the runner tests: a temporary directory holding a stand-in base
 * checkpoint (only its config.json, naming world seed 1; the fake trainer and model never load
 * weights) and an experiment file whose model, registry and out all point inside that directory.
 */
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ScratchExperiment {
  dir: string;
  /** The experiment YAML file. */
  yaml: string;
  /** The run directory the file names as `out`. */
  out: string;
  /** The dataset registry directory the file names as `registry`. */
  registry: string;
}

/** Writes `name`, `model`, then `body` (YAML lines, each ending in a newline), then `registry` and `out`. */
export function scratchExperiment(prefix: string, name: string, body: string): ScratchExperiment {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(join(dir, 'base'));
  writeFileSync(join(dir, 'base', 'config.json'), JSON.stringify({ worldSeed: 1 }));
  // The run's pre-flight wants weights where the base is named; the fakes never load them.
  writeFileSync(join(dir, 'base', 'model.safetensors'), '');
  // The arms' vocabulary check reads the real base tokenizer, so the generated mixes are checked for real.
  copyFileSync(join(import.meta.dirname, '..', 'models', 'bases', 'seed-1', 'tokenizer.json'), join(dir, 'base', 'tokenizer.json'));
  const yaml = join(dir, 'exp.yaml');
  const out = join(dir, 'run');
  const registry = join(dir, 'registry');
  writeFileSync(yaml, `name: ${name}\nmodel: embedded:${join(dir, 'base')}\n${body}registry: ${registry}\nout: ${out}\n`);
  return { dir, yaml, out, registry };
}
