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
    const given = init.headers;
    if (given instanceof Headers) given.forEach((value, name) => (headers[name] = value));
    else if (given) new Headers(given).forEach((value, name) => (headers[name] = value));
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
            const responseHeaders = new Map<string, string>();
            for (const [name, value] of Object.entries(response.headers)) {
              if (value !== undefined) responseHeaders.set(name, Array.isArray(value) ? value.join(', ') : value);
            }
            const buffered = new BufferedResponse(response.statusCode ?? 0, response.statusMessage ?? '', url.href, new BufferedHeaders(responseHeaders), Buffer.concat(chunks));
            resolve(buffered as unknown as Response);
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

/**
 * The read-only part of the Headers interface over an already-parsed header map. Building a real
 * Headers object validates every name and value again, which costs more than the request itself.
 */
class BufferedHeaders {
  constructor(private readonly map: Map<string, string>) {}
  get(name: string): string | null {
    return this.map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    return this.map.has(name.toLowerCase());
  }
  forEach(callback: (value: string, name: string, headers: BufferedHeaders) => void): void {
    for (const [name, value] of this.map) callback(value, name, this);
  }
  entries(): IterableIterator<[string, string]> {
    return this.map.entries();
  }
  keys(): IterableIterator<string> {
    return this.map.keys();
  }
  values(): IterableIterator<string> {
    return this.map.values();
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.map.entries();
  }
}

/** A fully received response: the subset of Response that clients read (status, headers, text/json/body). */
class BufferedResponse {
  readonly ok: boolean;
  readonly redirected = false;
  readonly type = 'basic';
  private consumed = false;
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly url: string,
    readonly headers: BufferedHeaders,
    private readonly bytes: Buffer,
  ) {
    this.ok = status >= 200 && status < 300;
  }
  get bodyUsed(): boolean {
    return this.consumed;
  }
  get body(): ReadableStream<Uint8Array> | null {
    if (this.status === 204 || this.status === 304) return null;
    const bytes = this.take();
    return new ReadableStream<Uint8Array>({
      start(controller) {
        if (bytes.length) controller.enqueue(new Uint8Array(bytes));
        controller.close();
      },
    });
  }
  async text(): Promise<string> {
    return this.take().toString('utf8');
  }
  async json(): Promise<unknown> {
    return JSON.parse(this.take().toString('utf8'));
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }
  private take(): Buffer {
    if (this.consumed) throw new TypeError('Body has already been consumed');
    this.consumed = true;
    return this.bytes;
  }
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
