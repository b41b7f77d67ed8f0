/**
 * Client for the Ray Jobs REST API (docs.ray.io, "Ray Jobs REST API"): submit `POST /api/jobs/`,
 * status `GET /api/jobs/{id}`, logs `GET /api/jobs/{id}/logs`, stop `POST /api/jobs/{id}/stop`.
 * The submission id is chosen by the caller (a content hash of the job), which makes a resubmit
 * idempotent: a job that already exists under that id is polled, not started again.
 */
import { z } from 'zod';
import { firstIssue } from '../util/zod-issue.js';
import { TrainingFailedError } from './types.js';

export const RAY_TERMINAL_STATUSES = ['SUCCEEDED', 'FAILED', 'STOPPED'] as const;
export const rayJobStatusSchema = z.enum(['PENDING', 'RUNNING', 'STOPPED', 'SUCCEEDED', 'FAILED']);
export type RayJobStatus = z.infer<typeof rayJobStatusSchema>;

const jobDetailsSchema = z.looseObject({
  status: rayJobStatusSchema,
  message: z.string().nullish(),
  submission_id: z.string().nullish(),
  job_id: z.string().nullish(),
  driver_exit_code: z.number().nullish(),
  start_time: z.number().nullish(),
  end_time: z.number().nullish(),
});
export type RayJobDetails = z.infer<typeof jobDetailsSchema>;

const submitResponseSchema = z.looseObject({ submission_id: z.string().nullish(), job_id: z.string().nullish() });
const logsResponseSchema = z.looseObject({ logs: z.string() });
const stopResponseSchema = z.looseObject({ stopped: z.boolean() });

export interface RayJobSubmission {
  entrypoint: string;
  submission_id: string;
  runtime_env?: Record<string, unknown>;
  /** Ray requires string values. */
  metadata?: Record<string, string>;
  entrypoint_num_cpus?: number;
  entrypoint_num_gpus?: number;
  entrypoint_memory?: number;
  entrypoint_resources?: Record<string, number>;
}

export class RayJobsError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'RayJobsError';
  }
}

export interface RayJobsClientOptions {
  /** Dashboard address, e.g. http://head-node:8265. */
  address: string;
  /** Extra headers (e.g. a proxy's Authorization); never logged or hashed. */
  headers?: Record<string, string>;
  requestTimeoutMs?: number;
}

export interface WaitOptions {
  signal?: AbortSignal;
  /** First poll delay; grows by `backoff` up to `maxPollIntervalMs`. */
  pollIntervalMs?: number;
  maxPollIntervalMs?: number;
  backoff?: number;
  /** Give up waiting (the job keeps running on the cluster). */
  timeoutMs?: number;
  /** Consecutive failed status requests tolerated before giving up. */
  maxConsecutiveErrors?: number;
  onStatus?: (details: RayJobDetails) => void;
}

export class RayJobsClient {
  private readonly base: string;

  constructor(private readonly options: RayJobsClientOptions) {
    let url: URL;
    try {
      url = new URL(options.address);
    } catch {
      throw new RayJobsError(`Ray dashboard address "${options.address}" is not a URL (expected e.g. http://head:8265)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new RayJobsError(`Ray dashboard address must be http or https: ${options.address}`);
    this.base = url.toString().replace(/\/+$/, '');
  }

  /** The job's details, or null when the cluster has no job with this id. */
  async getJob(id: string, signal?: AbortSignal): Promise<RayJobDetails | null> {
    const response = await this.request('GET', `/api/jobs/${encodeURIComponent(id)}`, undefined, signal);
    if (response.status === 404) return null;
    return parseBody(jobDetailsSchema, await this.ok(response, `status of job ${id}`), `status of job ${id}`);
  }

  /**
   * Submits unless a job with this submission id exists already. Returns whether it existed.
   * Ray answers a duplicate id with an error that says "already exists"; that race is treated the
   * same as finding the job first.
   */
  async submit(submission: RayJobSubmission, signal?: AbortSignal): Promise<{ submissionId: string; alreadyExisted: boolean }> {
    if (await this.getJob(submission.submission_id, signal)) return { submissionId: submission.submission_id, alreadyExisted: true };
    const response = await this.request('POST', '/api/jobs/', submission, signal);
    if (!response.ok) {
      const text = await response.text();
      if ((response.status === 400 || response.status === 409) && /already exists/i.test(text)) {
        return { submissionId: submission.submission_id, alreadyExisted: true };
      }
      throw new RayJobsError(`submitting job ${submission.submission_id} failed: HTTP ${response.status}: ${truncate(text)}`, response.status);
    }
    const body = parseBody(submitResponseSchema, await response.text(), 'submit response');
    return { submissionId: body.submission_id ?? submission.submission_id, alreadyExisted: false };
  }

  async getLogs(id: string, signal?: AbortSignal): Promise<string> {
    const response = await this.request('GET', `/api/jobs/${encodeURIComponent(id)}/logs`, undefined, signal);
    return parseBody(logsResponseSchema, await this.ok(response, `logs of job ${id}`), `logs of job ${id}`).logs;
  }

  async stop(id: string, signal?: AbortSignal): Promise<boolean> {
    const response = await this.request('POST', `/api/jobs/${encodeURIComponent(id)}/stop`, undefined, signal);
    return parseBody(stopResponseSchema, await this.ok(response, `stop job ${id}`), `stop job ${id}`).stopped;
  }

  /** Polls with exponential backoff until the job is SUCCEEDED, FAILED or STOPPED. */
  async waitForTerminal(id: string, options: WaitOptions = {}): Promise<RayJobDetails> {
    const started = Date.now();
    const maxInterval = options.maxPollIntervalMs ?? 30_000;
    let interval = options.pollIntervalMs ?? 1_000;
    let errors = 0;
    let lastStatus: RayJobStatus | undefined;
    for (;;) {
      throwIfAborted(options.signal);
      try {
        const details = await this.getJob(id, options.signal);
        if (!details) throw new RayJobsError(`job ${id} disappeared from the cluster`, 404);
        errors = 0;
        if (details.status !== lastStatus) options.onStatus?.(details);
        lastStatus = details.status;
        if ((RAY_TERMINAL_STATUSES as readonly string[]).includes(details.status)) return details;
      } catch (error) {
        if (isAbort(error) || (error instanceof RayJobsError && error.status !== undefined && error.status < 500)) throw error;
        if (++errors > (options.maxConsecutiveErrors ?? 5)) throw error;
      }
      if (options.timeoutMs !== undefined && Date.now() - started + interval > options.timeoutMs) {
        throw new RayJobsError(`gave up waiting for job ${id} after ${Math.round((Date.now() - started) / 1000)} s (last status ${lastStatus ?? 'unknown'}); it is still on the cluster`);
      }
      await sleep(interval, options.signal);
      interval = Math.min(maxInterval, interval * (options.backoff ?? 1.5));
    }
  }

  private async request(method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal): Promise<Response> {
    const timeout = AbortSignal.timeout(this.options.requestTimeoutMs ?? 30_000);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    try {
      return await fetch(this.base + path, {
        method,
        headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...this.options.headers },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: combined,
      });
    } catch (error) {
      if (signal?.aborted) throw abortError();
      throw new RayJobsError(`${method} ${this.base}${path}: ${(error as Error).message}`);
    }
  }

  private async ok(response: Response, what: string): Promise<string> {
    const text = await response.text();
    if (!response.ok) throw new RayJobsError(`${what}: HTTP ${response.status}: ${truncate(text)}`, response.status);
    return text;
  }
}

export interface RayRunOutcome {
  submissionId: string;
  alreadyExisted: boolean;
  details: RayJobDetails;
  logs: string;
}

/**
 * Submit (idempotently), wait, fetch logs. A FAILED or STOPPED job throws TrainingFailedError with
 * the end of its logs; an abort stops the job on the cluster before rethrowing.
 */
export async function runRayJob(client: RayJobsClient, submission: RayJobSubmission, options: WaitOptions = {}): Promise<RayRunOutcome> {
  const { submissionId, alreadyExisted } = await client.submit(submission, options.signal);
  let details: RayJobDetails;
  try {
    details = await client.waitForTerminal(submissionId, options);
  } catch (error) {
    if (isAbort(error)) await client.stop(submissionId).catch(() => false);
    throw error;
  }
  const logs = await client.getLogs(submissionId).catch((error: Error) => `(logs unavailable: ${error.message})`);
  if (details.status !== 'SUCCEEDED') {
    const tail = logs.trimEnd().split('\n').slice(-40).join('\n');
    throw new TrainingFailedError(`Ray job ${submissionId} ${details.status}${details.message ? `: ${details.message}` : ''}`, tail);
  }
  return { submissionId, alreadyExisted, details, logs };
}

function parseBody<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new RayJobsError(`${what}: response is not JSON: ${truncate(text)}`);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = firstIssue(parsed.error);
    throw new RayJobsError(`${what}: unexpected response shape (${issue.path.join('.')}: ${issue.message})`);
  }
  return parsed.data;
}

function truncate(text: string, max = 2_000): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function abortError(): Error {
  const error = new Error('aborted');
  error.name = 'AbortError';
  return error;
}

function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError();
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError());
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
