/**
 * Model spec grammar shared by the CLI, YAML experiment files and the API:
 *   openai:<model>[@<baseURL>[,<baseURL>…]]
 *   embedded:<checkpoint-dir>        (embedded:default = the committed checkpoint)
 */
export type ModelSpec =
  | { kind: 'openai'; model: string; baseURLs: string[] }
  | { kind: 'embedded'; dir: string };

export class ModelSpecError extends Error {
  constructor(spec: string, why: string) {
    super(`invalid model spec "${spec}": ${why}. Expected openai:<model>[@<baseURL>] or embedded:<dir>`);
    this.name = 'ModelSpecError';
  }
}

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';

export function parseModelSpec(spec: string): ModelSpec {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new ModelSpecError(spec, 'missing "<kind>:" prefix');
  const kind = spec.slice(0, colon);
  const rest = spec.slice(colon + 1);
  if (kind === 'embedded') {
    if (!rest) throw new ModelSpecError(spec, 'missing checkpoint directory');
    return { kind: 'embedded', dir: rest };
  }
  if (kind === 'openai') {
    // The model name may itself contain "@"-free slashes and colons (e.g. "meta-llama/Llama-3.1-8B:latest"),
    // so split on the first "@" only.
    const at = rest.indexOf('@');
    const model = at === -1 ? rest : rest.slice(0, at);
    if (!model) throw new ModelSpecError(spec, 'missing model name');
    const urls = at === -1 ? [DEFAULT_OPENAI_BASE_URL] : rest.slice(at + 1).split(',').map((u) => u.trim()).filter(Boolean);
    if (urls.length === 0) throw new ModelSpecError(spec, 'empty base URL list');
    for (const url of urls) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw new ModelSpecError(spec, `base URL "${url}" is not a URL`);
      }
      if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
        throw new ModelSpecError(spec, `base URL "${url}" must be http or https`);
      }
      if (parsed.username || parsed.password) {
        throw new ModelSpecError(spec, 'credentials in the base URL are not allowed; pass the key through an environment variable');
      }
    }
    return { kind: 'openai', model, baseURLs: urls.map((u) => u.replace(/\/+$/, '')) };
  }
  throw new ModelSpecError(spec, `unknown kind "${kind}"`);
}

/** Canonical secret-free string form (used as provider id). */
export function formatModelSpec(spec: ModelSpec): string {
  return spec.kind === 'openai' ? `openai:${spec.model}@${spec.baseURLs.join(',')}` : `embedded:${spec.dir}`;
}
