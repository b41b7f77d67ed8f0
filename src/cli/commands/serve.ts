import { InvalidArgumentError, type Command } from 'commander';
import { serveModel } from '../../serve/serve-model.js';

function positiveInt(name: string, min = 1, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer from ${min} to ${max}`);
    return n;
  };
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve a model (embedded:<dir> or a proxied openai:<model>@<url>) as an OpenAI-compatible HTTP endpoint')
    .requiredOption('--model <spec>', 'model spec, e.g. embedded:default or openai:<model>@<baseURL>')
    .option('--port <n>', 'TCP port (0 picks a free one)', positiveInt('--port', 0, 65535), 8000)
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--model-name <name>', 'model name clients send (default: the spec)')
    .option('--concurrency <n>', 'most model calls in flight at once', positiveInt('--concurrency'))
    .option('--api-key-env <name>', 'environment variable holding the upstream API key (openai: specs)')
    .option('--timeout-ms <ms>', 'upstream request timeout in ms', positiveInt('--timeout-ms'))
    .action(async (opts: { model: string; port: number; host: string; modelName?: string; concurrency?: number; apiKeyEnv?: string; timeoutMs?: number }) => {
      const served = await serveModel({
        spec: opts.model,
        port: opts.port,
        host: opts.host,
        modelName: opts.modelName,
        concurrency: opts.concurrency,
        apiKeyEnv: opts.apiKeyEnv,
        timeoutMs: opts.timeoutMs,
      });
      process.stdout.write(`Serving ${served.modelName} at ${served.baseURL} (Ctrl-C stops)\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          resolve();
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
      const stats = served.stats();
      await served.close();
      process.stderr.write(`candor serve: stopped after ${stats.completions} completions (${stats.promptTokens} prompt + ${stats.completionTokens} completion tokens, ${stats.errors} errors)\n`);
    });
}
