/**
 * `openai:<model>[@<baseURL>[,<baseURL>…]]`: any OpenAI-compatible chat endpoint. Key policy: a key
 * named with `apiKeyEnv` goes to this spec's endpoints and nowhere else; with none named,
 * OPENAI_API_KEY goes only to the official OpenAI API (https://api.openai.com), so a third-party or
 * self-hosted endpoint never receives the OpenAI key by accident.
 */
import { InputError } from '../../util/errors.js';
import { isOfficialOpenAI } from '../official-openai.js';
import { OpenAIChatProvider } from '../openai-provider.js';

export { isOfficialOpenAI };
import { ModelSpecError, type ProviderKind, type ProviderOptions } from './types.js';

export const DEFAULT_OPENAI_BASE_URL = 'https://api.openai.com/v1';
const DEFAULT_KEY_ENV = 'OPENAI_API_KEY';
const GRAMMAR = 'openai:<model>[@<baseURL>[,<baseURL>…]]';

export interface OpenAISpec {
  kind: 'openai';
  model: string;
  baseURLs: string[];
}

/** Query parameters that carry credentials; a URL with one is refused (keys travel only in env vars). */
const CREDENTIAL_PARAM = /key|token|secret|auth|password|signature/i;


export const openaiKind: ProviderKind<OpenAISpec> = {
  prefix: 'openai',
  grammar: GRAMMAR,
  parse(rest, spec) {
    // The model name may itself contain slashes and colons (e.g. "meta-llama/Llama-3.1-8B:latest"),
    // so split on the first "@" only.
    const at = rest.indexOf('@');
    const model = at === -1 ? rest : rest.slice(0, at);
    if (!model) throw new ModelSpecError(spec, 'missing model name', GRAMMAR);
    const urls = at === -1 ? [DEFAULT_OPENAI_BASE_URL] : rest.slice(at + 1).split(',').map((u) => u.trim()).filter(Boolean);
    if (urls.length === 0) throw new ModelSpecError(spec, 'empty base URL list', GRAMMAR);
    for (const url of urls) checkBaseURL(url, spec);
    return { kind: 'openai', model, baseURLs: urls.map((u) => u.replace(/\/+$/, '')) };
  },
  format(spec) {
    return `openai:${spec.model}@${spec.baseURLs.join(',')}`;
  },
  async create(spec, options: ProviderOptions) {
    const env = options.env ?? process.env;
    const official = spec.baseURLs.filter(isOfficialOpenAI);
    let apiKey: string | undefined;
    let sendKeyTo: (baseURL: string) => boolean;
    if (options.apiKeyEnv) {
      apiKey = env[options.apiKeyEnv] || undefined;
      if (!apiKey) throw new InputError(`environment variable ${options.apiKeyEnv} (named as this model's key) is not set`, { field: 'apiKeyEnv' });
      sendKeyTo = () => true;
    } else {
      apiKey = env[DEFAULT_KEY_ENV] || undefined;
      sendKeyTo = isOfficialOpenAI;
      if (official.length > 0 && !apiKey) {
        throw new InputError(`${kindId(spec)} needs an API key: set ${DEFAULT_KEY_ENV} or name another variable with --api-key-env`, { field: 'apiKeyEnv' });
      }
    }
    return new OpenAIChatProvider({
      model: spec.model,
      baseURLs: spec.baseURLs,
      apiKey,
      sendKeyTo,
      concurrency: options.concurrency,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      warn: options.warn,
    });
  },
};

function kindId(spec: OpenAISpec): string {
  return openaiKind.format(spec);
}

function checkBaseURL(url: string, spec: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ModelSpecError(spec, `base URL "${url}" is not a URL`, GRAMMAR);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ModelSpecError(spec, `base URL "${url}" must be http or https`, GRAMMAR);
  }
  // The messages never repeat the URL itself: it would carry the credential into logs.
  if (parsed.username || parsed.password) {
    throw new ModelSpecError('openai:…', 'credentials in the base URL are not allowed; pass the key through an environment variable (--api-key-env)', GRAMMAR);
  }
  for (const name of parsed.searchParams.keys()) {
    if (CREDENTIAL_PARAM.test(name)) {
      throw new ModelSpecError('openai:…', `a credential in the base URL's query ("${name}") is not allowed; pass the key through an environment variable (--api-key-env)`, GRAMMAR);
    }
  }
}
