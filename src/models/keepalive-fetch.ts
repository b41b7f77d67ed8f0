/**
 * A `fetch` for the openai client built on node:http(s) with a keep-alive agent. Node 20's
 * built-in fetch (undici) spends several times more CPU per request than http.request; at hundreds
 * of calls a second that is most of the harness's cost (see bench/eval-throughput.ts). It reads the
 * whole response before resolving, which suits the non-streaming calls the providers make; anything
 * it does not handle (streamed request bodies, non-HTTP URLs) goes to the built-in fetch.
 */
import http from 'node:http';
import https from 'node:https';

export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface KeepAliveFetchOptions {
  /** Sockets per host (default 256: the adaptive limiter, not the agent, bounds concurrency). */
  maxSockets?: number;
}

export function createKeepAliveFetch(options: KeepAliveFetchOptions = {}): FetchLike & { destroy(): void } {
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 256, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);

  const keepAliveFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const body = init.body;
    const url = typeof input === 'string' ? new URL(input) : input instanceof URL ? input : null;
    const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if (!url || !plainBody || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fetch(input, init);
    const signal = init.signal ?? undefined;
    if (signal?.aborted) return Promise.reject(abortError());
    const headers: Record<string, string> = {};
    if (init.headers) new Headers(init.headers).forEach((value, name) => (headers[name] = value));
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<Response>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        reject(error);
      };
      const onAbort = () => {
        fail(abortError());
        request.destroy();
      };
      const request = transport.request(
        url,
        { method: init.method ?? 'GET', headers, agent: url.protocol === 'https:' ? httpsAgent : httpAgent },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => fail(connectionError(error)));
          response.on('aborted', () => fail(connectionError(new Error('response aborted'))));
          response.on('end', () => {
            if (settled) return;
            settled = true;
            signal?.removeEventListener('abort', onAbort);
            const status = response.statusCode ?? 0;
            const responseHeaders = new Headers();
            for (const [name, value] of Object.entries(response.headers)) {
              if (Array.isArray(value)) for (const v of value) responseHeaders.append(name, v);
              else if (value !== undefined) responseHeaders.set(name, value);
            }
            const noBody = status === 204 || status === 304 || init.method === 'HEAD';
            resolve(new Response(noBody ? null : Buffer.concat(chunks), { status, statusText: response.statusMessage, headers: responseHeaders }));
          });
        },
      );
      request.on('error', (error) => fail(connectionError(error)));
      signal?.addEventListener('abort', onAbort, { once: true });
      request.end(body ?? undefined);
    });
  };
  return Object.assign(keepAliveFetch, {
    destroy() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  });
}

function abortError(): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

/** Shaped like undici's failures ("fetch failed" with the socket error as cause) so callers treat both alike. */
function connectionError(cause: Error): Error {
  return new TypeError(`fetch failed: ${cause.message}`, { cause });
}
