/**
 * `embedded:<checkpoint-dir>` (or `embedded:default`): the built-in transformer. The tensor backend
 * is loaded only when a model is created, so HTTP-only runs and the CLI's help never pay for it.
 */
import { resolveCheckpointDir } from '../embedded-default.js';
import { ModelSpecError, type ProviderKind } from './types.js';

const GRAMMAR = 'embedded:<checkpoint-dir> or embedded:default';

export interface EmbeddedSpec {
  kind: 'embedded';
  /** As written: "default" or a directory. */
  dir: string;
}

export const embeddedKind: ProviderKind<EmbeddedSpec> = {
  prefix: 'embedded',
  grammar: GRAMMAR,
  parse(rest, spec) {
    if (!rest) throw new ModelSpecError(spec, 'missing checkpoint directory', GRAMMAR);
    return { kind: 'embedded', dir: rest };
  },
  format(spec) {
    return `embedded:${spec.dir}`;
  },
  async create(spec, options) {
    const { createEmbeddedProvider } = await import('./embedded-provider.js');
    return createEmbeddedProvider(embeddedKind.checkpointDir!(spec), { concurrency: options.concurrency });
  },
  checkpointDir(spec) {
    return resolveCheckpointDir(spec.dir);
  },
};
