/**
 * The digest that says whether a run directory belongs to an experiment. It covers everything that
 * changes what an arm computes, and nothing that does not: comments and key order in the YAML,
 * where the file lives, the description, and how many arms run at once leave it unchanged.
 */
import { digestOf } from '../util/canonical-json.js';
import type { Experiment } from './schema.js';

export function experimentConfigDigest(experiment: Experiment): string {
  const { file: _file, digest: _digest, out: _out, description: _description, parallel: _parallel, ...relevant } = experiment;
  return digestOf(relevant);
}
