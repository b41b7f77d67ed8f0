/**
 * `candor serve` as a library call: build the provider for a model spec and put the
 * OpenAI-compatible server in front of it. Closing the handle closes both.
 */
import { createProvider, type ProviderOptions } from '../models/registry.js';
import type { ChatProvider } from '../models/types.js';
import { startOpenAIServer, type RunningOpenAIServer } from './openai-server.js';

export interface ServeModelOptions extends ProviderOptions {
  spec: string;
  port?: number;
  host?: string;
  /** Name clients send as `model` (default: the spec as given). */
  modelName?: string;
}

export interface ServedModel extends RunningOpenAIServer {
  readonly provider: ChatProvider;
}

export async function serveModel(options: ServeModelOptions): Promise<ServedModel> {
  const { spec, port, host, modelName, ...providerOptions } = options;
  const provider = await createProvider(spec, providerOptions);
  let server: RunningOpenAIServer;
  try {
    server = await startOpenAIServer({ provider, port, host, modelName: modelName ?? spec });
  } catch (error) {
    await provider.close?.();
    throw error;
  }
  return {
    ...server,
    stats: server.stats,
    provider,
    close: async () => {
      await server.close();
      await provider.close?.();
    },
  };
}
