/**
 * An OpenAI-compatible HTTP server in front of any ChatProvider: the embedded model, or a proxy
 * to another endpoint. Routes: POST /v1/chat/completions (plain and SSE streamed), GET /v1/models,
 * GET /v1/models/{id}, GET /health. Errors use OpenAI's JSON shape.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderError, type ChatProvider, type ChatResult } from '../models/types.js';
import { InputError } from '../util/errors.js';
import { parseChatCompletionBody, toChatRequest, type ChatCompletionBody } from './chat-request.js';
import { chatCompletionBody, usageBody } from './completion-body.js';

export interface OpenAIServerOptions {
  provider: ChatProvider;
  /** 0 picks a free port (default). */
  port?: number;
  /** Default 127.0.0.1: serving beyond loopback is an explicit choice. */
  host?: string;
  /** The model name clients must send (default: the provider id). */
  modelName?: string;
  /** Largest accepted request body (default 4 MiB). */
  maxBodyBytes?: number;
  /** Where to report internal errors (default: stderr). */
  log?: (line: string) => void;
}

export interface ServerStats {
  requests: number;
  completions: number;
  errors: number;
  promptTokens: number;
  completionTokens: number;
}

export interface RunningOpenAIServer {
  /** http://host:port */
  readonly url: string;
  /** url + /v1, what an OpenAI client takes as baseURL. */
  readonly baseURL: string;
  readonly port: number;
  readonly host: string;
  readonly modelName: string;
  stats(): ServerStats;
  close(): Promise<void>;
}

class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string,
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export async function startOpenAIServer(options: OpenAIServerOptions): Promise<RunningOpenAIServer> {
  const provider = options.provider;
  const host = options.host ?? '127.0.0.1';
  const modelName = options.modelName ?? provider.id;
  const maxBodyBytes = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const created = Math.floor(Date.now() / 1000);
  const counters: ServerStats = { requests: 0, completions: 0, errors: 0, promptTokens: 0, completionTokens: 0 };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    counters.requests++;
    const [pathPart = '/'] = (req.url ?? '/').split('?');
    const path = pathPart.replace(/\/+$/, '') || '/';
    if (path === '/v1/chat/completions') {
      if (req.method !== 'POST') throw new HttpProblem(405, `Method ${req.method} not allowed on ${path}; use POST`, 'invalid_request_error', 'method_not_allowed');
      await completeChat(req, res);
      return;
    }
    if (path === '/v1/models' || path.startsWith('/v1/models/')) {
      if (req.method !== 'GET') throw new HttpProblem(405, `Method ${req.method} not allowed on ${path}; use GET`, 'invalid_request_error', 'method_not_allowed');
      const model = { id: modelName, object: 'model', created, owned_by: 'candor' };
      if (path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [model] });
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      if (id !== modelName) throw modelNotFound(id);
      return sendJson(res, 200, model);
    }
    if (path === '/health' && req.method === 'GET') return sendJson(res, 200, { status: 'ok', model: modelName });
    throw new HttpProblem(404, `Unknown route ${req.method} ${path}`, 'invalid_request_error', 'unknown_url');
  };

  const modelNotFound = (id: string) =>
    new HttpProblem(404, `The model '${id}' does not exist; this server serves '${modelName}'`, 'invalid_request_error', 'model_not_found', 'model');

  const completeChat = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw = await readJsonBody(req, maxBodyBytes);
    const parsed = parseChatCompletionBody(raw);
    if (!parsed.ok) throw new HttpProblem(400, parsed.problem.message, 'invalid_request_error', 'invalid_value', parsed.problem.param);
    const body = parsed.body;
    if (body.model !== modelName) throw modelNotFound(body.model);
    // A client that hangs up should stop the model call it was waiting for.
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    let result: ChatResult;
    try {
      result = await provider.chat(toChatRequest(body), abort.signal);
    } catch (error) {
      throw providerProblem(error);
    }
    counters.completions++;
    counters.promptTokens += result.usage.promptTokens;
    counters.completionTokens += result.usage.completionTokens;
    const id = `chatcmpl-${randomBytes(12).toString('hex')}`;
    const now = Math.floor(Date.now() / 1000);
    if (body.stream) sendStream(res, body, result, id, now);
    else sendJson(res, 200, chatCompletionBody({ id, created: now, model: modelName, text: result.text, finishReason: result.finishReason, usage: result.usage }));
  };

  const sendStream = (res: ServerResponse, body: ChatCompletionBody, result: ChatResult, id: string, now: number) => {
    const includeUsage = body.stream_options?.include_usage === true;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const chunk = (choices: unknown[], usage?: unknown) => {
      const event: Record<string, unknown> = { id, object: 'chat.completion.chunk', created: now, model: modelName, choices };
      // OpenAI sends usage: null on every chunk but the last when usage was asked for.
      if (includeUsage) event.usage = usage ?? null;
      res.write(`data: ${JSON.stringify(event)}\n\n`);
    };
    chunk([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }]);
    for (const piece of splitForStreaming(result.text)) {
      chunk([{ index: 0, delta: { content: piece }, logprobs: null, finish_reason: null }]);
    }
    chunk([{ index: 0, delta: {}, logprobs: null, finish_reason: result.finishReason ?? 'stop' }]);
    if (includeUsage) chunk([], usageBody(result.usage));
    res.end('data: [DONE]\n\n');
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      counters.errors++;
      const problem = error instanceof HttpProblem ? error : internalProblem(error, log);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      sendJson(res, problem.status, { error: { message: problem.message, type: problem.type, param: problem.param, code: problem.code } });
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      // A port in use or not ours to take is the user's choice of --port/--host, not a crash.
      if (error.code === 'EADDRINUSE') reject(new InputError(`port ${options.port} on ${host} is already in use`, { field: '--port' }));
      else if (error.code === 'EACCES') reject(new InputError(`no permission to listen on port ${options.port} on ${host}`, { field: '--port' }));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new InputError(`cannot listen on ${host}: no such local address`, { field: '--host' }));
      else reject(error);
    };
    server.once('error', onError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.address.includes(':') ? `[${address.address}]` : address.address;
  const url = `http://${hostForUrl}:${address.port}`;
  return {
    url,
    baseURL: `${url}/v1`,
    port: address.port,
    host: address.address,
    modelName,
    stats: () => ({ ...counters }),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Word-sized pieces (each keeps its trailing whitespace) so streamed text re-joins exactly. */
export function splitForStreaming(text: string): string[] {
  return text.match(/\s*\S+\s*|\s+/g) ?? [];
}

function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new HttpProblem(413, `Request body exceeds ${maxBytes} bytes`, 'invalid_request_error', 'request_too_large'));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (size > maxBytes) return;
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch {
        reject(new HttpProblem(400, 'We could not parse the JSON body of your request', 'invalid_request_error', 'invalid_json'));
      }
    });
  });
}

function providerProblem(error: unknown): HttpProblem {
  if (error instanceof ProviderError) {
    switch (error.kind) {
      case 'rate_limit':
        return new HttpProblem(429, error.message, 'rate_limit_error', 'rate_limit_exceeded');
      case 'timeout':
        return new HttpProblem(504, error.message, 'server_error', 'timeout');
      case 'client':
        return new HttpProblem(400, error.message, 'invalid_request_error', 'upstream_rejected');
      case 'aborted':
        return new HttpProblem(499, error.message, 'invalid_request_error', 'client_closed_request');
      default:
        return new HttpProblem(502, error.message, 'server_error', 'upstream_error');
    }
  }
  if (error instanceof Error && error.name === 'InputError') return new HttpProblem(400, error.message, 'invalid_request_error', 'invalid_value');
  throw error;
}

function internalProblem(error: unknown, log: (line: string) => void): HttpProblem {
  log(`candor serve: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  return new HttpProblem(500, 'The server had an error while processing your request', 'server_error', 'internal_error');
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
