/**
 * A real loopback HTTP server whose answers are scripted per request, for protocol tests of the
 * HTTP provider (retries, timeouts, malformed bodies, load balancing). Not a model.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { chatCompletionBody } from '../src/serve/completion-body.js';
import { listenOnLoopback } from './loopback-server.helper.js';

/**
 * The OpenAI chat request fields the tests read. Every request to this server comes from the chat
 * provider; a body of another shape is answered 400 so that a test fails on it instead of reading
 * fields that are not there. Other fields are kept as sent.
 */
const ChatRequestBody = z.looseObject({
  model: z.string(),
  messages: z.array(z.looseObject({ role: z.string(), content: z.string() })),
  temperature: z.number().optional(),
  top_p: z.number().optional(),
  max_tokens: z.number().optional(),
  stop: z.array(z.string()).optional(),
  seed: z.number().optional(),
});
export type ChatRequestBody = z.infer<typeof ChatRequestBody>;

export interface ScriptedRequest {
  index: number;
  headers: IncomingMessage['headers'];
  body: ChatRequestBody;
  url: string;
}

export type ScriptedReply =
  | { status?: number; headers?: Record<string, string>; json?: unknown; raw?: string; delayMs?: number }
  | 'hang'
  | 'reset';

export interface ScriptedServer {
  baseURL: string;
  requests: ScriptedRequest[];
  maxInFlight: number;
  close(): Promise<void>;
}

/** A chat completion body in OpenAI's shape. */
export function completion(text: string, usage = { prompt_tokens: 3, completion_tokens: 2 }): unknown {
  return chatCompletionBody({ id: 'chatcmpl-test', created: 0, model: 'scripted', text, usage: { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } });
}

export async function startScriptedServer(script: (request: ScriptedRequest) => ScriptedReply): Promise<ScriptedServer> {
  const requests: ScriptedRequest[] = [];
  let inFlight = 0;
  const state = { maxInFlight: 0 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, inFlight);
      const text = Buffer.concat(chunks).toString('utf8');
      let body: ChatRequestBody;
      try {
        body = ChatRequestBody.parse(JSON.parse(text));
      } catch (error) {
        inFlight--;
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(`scripted server: not a chat completion request: ${String(error)}`);
        return;
      }
      const request: ScriptedRequest = { index: requests.length, headers: req.headers, body, url: req.url ?? '' };
      requests.push(request);
      const reply = script(request);
      const finish = () => {
        inFlight--;
      };
      if (reply === 'hang') {
        res.on('close', finish);
        return;
      }
      if (reply === 'reset') {
        finish();
        req.socket.destroy();
        return;
      }
      const send = () => {
        finish();
        const body = reply.raw ?? JSON.stringify(reply.json ?? {});
        res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
        res.end(body);
      };
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  const loopback = await listenOnLoopback(server);
  return {
    baseURL: loopback.baseURL,
    requests,
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: loopback.close,
  };
}
