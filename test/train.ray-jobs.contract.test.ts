/**
 * Contract test for the Ray Jobs REST API client: a loopback HTTP server that speaks the documented
 * endpoints (POST /api/jobs/, GET /api/jobs/{id}, GET /api/jobs/{id}/logs, POST /api/jobs/{id}/stop),
 * records every request it receives, and moves each job through a scripted list of statuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RayJobsClient, RayJobsError, runRayJob, type RayJobSubmission } from '../src/train/ray-jobs.js';
import { createTrlBackend } from '../src/train/trl-backend.js';
import { TrainingFailedError } from '../src/train/types.js';
import { trainingConfigSchema } from '../src/train/config.js';
import { group } from '../src/util/regex-group.js';
import { defined } from './defined.helper.js';

interface Recorded {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

interface FakeJob {
  submission: RayJobSubmission;
  script: string[];
  step: number;
  stopped: boolean;
}

interface RayServerOptions {
  /** Statuses a job reports on successive GETs (the last one repeats). */
  script?: string[];
  logs?: string;
  /** Answer the first status GET of each id with 404 even when it exists (simulates a submit race). */
  hideOnFirstGet?: boolean;
  /** Called when a job reaches SUCCEEDED, like the cluster finishing its work. */
  onSucceeded?: (submission: RayJobSubmission) => Promise<void>;
}

async function startRayServer(options: RayServerOptions = {}) {
  const requests: Recorded[] = [];
  const jobs = new Map<string, FakeJob>();
  const hidden = new Set<string>();
  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const url = new URL(req.url ?? '/', 'http://x');
    const body = raw ? JSON.parse(raw) : undefined;
    requests.push({ method: req.method ?? '', path: url.pathname, headers: req.headers, body });
    const match = url.pathname.match(/^\/api\/jobs\/([^/]+)(\/logs|\/stop)?$/);
    if (req.method === 'POST' && url.pathname === '/api/jobs/') {
      const submission = body as RayJobSubmission;
      if (jobs.has(submission.submission_id)) {
        // Ray answers a duplicate id with HTTP 400 and this text.
        return send(res, 400, `Job with submission_id ${submission.submission_id} already exists. Please use a different submission_id.`);
      }
      jobs.set(submission.submission_id, { submission, script: options.script ?? ['PENDING', 'RUNNING', 'SUCCEEDED'], step: 0, stopped: false });
      return send(res, 200, { job_id: 'raysubmit_0001', submission_id: submission.submission_id });
    }
    if (!match) return send(res, 404, 'not found');
    const id = decodeURIComponent(group(match, 1));
    const job = jobs.get(id);
    if (options.hideOnFirstGet && !match[2] && !hidden.has(id)) {
      hidden.add(id);
      return send(res, 404, `Job ${id} does not exist`);
    }
    if (!job) return send(res, 404, `Job ${id} does not exist`);
    if (req.method === 'POST' && match[2] === '/stop') {
      job.stopped = true;
      return send(res, 200, { stopped: true });
    }
    if (req.method === 'GET' && match[2] === '/logs') return send(res, 200, { logs: options.logs ?? 'step 1 loss 2.0\nstep 2 loss 1.5\n' });
    if (req.method === 'GET' && !match[2]) {
      const status = job.stopped ? 'STOPPED' : job.script[Math.min(job.step, job.script.length - 1)];
      job.step++;
      if (status === 'SUCCEEDED' && job.step === job.script.length) await options.onSucceeded?.(job.submission);
      return send(res, 200, {
        type: 'SUBMISSION',
        job_id: 'raysubmit_0001',
        submission_id: id,
        status,
        entrypoint: job.submission.entrypoint,
        message: status === 'FAILED' ? 'Job entrypoint command failed with exit code 1' : null,
        metadata: job.submission.metadata,
      });
    }
    return send(res, 405, 'method not allowed');
  };
  // A failure inside the fake cluster (onSucceeded, a bad body) answers 500, so the client under
  // test sees it and the test fails on it, rather than leaving a rejection nobody handles.
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, `fake cluster failed: ${String(error)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { address, requests, jobs, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const fastWait = { pollIntervalMs: 5, maxPollIntervalMs: 20 };
const submission = (id: string): RayJobSubmission => ({ entrypoint: 'python python/candor_trl.py --config /shared/a/trl_config.json', submission_id: id, runtime_env: {}, metadata: { candor_job: 'a' } });

test('contract: the TRL backend submits to Ray, polls PENDING → RUNNING → SUCCEEDED, fetches logs and reads the result', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'candor-ray-'));
  const data = join(dir, 'd.jsonl');
  await writeFile(data, JSON.stringify({ messages: [{ role: 'user', content: 'q' }, { role: 'assistant', content: 'a' }] }) + '\n');
  // The cluster sees /work/candor-runs as /mnt/shared; on SUCCEEDED the fake cluster writes result.json there.
  const server = await startRayServer({
    logs: 'candor_trl: training sft on 1 rows\ncandor_trl: saved\n',
    onSucceeded: async (s) => {
      const remoteConfig = group(s.entrypoint.match(/--config (\S+)/)!, 1);
      const localConfig = remoteConfig.replace('/mnt/shared', dir);
      const config = JSON.parse(await readFile(localConfig, 'utf8'));
      await writeFile(join(localConfig, '..', 'result.json'), JSON.stringify({ status: 'succeeded', job_digest: config.job_digest, metrics: { train_loss: 0.75 } }));
    },
  });
  try {
    const backend = createTrlBackend({
      launcher: {
        kind: 'ray',
        ray: {
          address: server.address,
          headers: { authorization: 'Bearer cluster-token' },
          sharedPath: { local: dir, remote: '/mnt/shared' },
          runtimeEnv: { working_dir: 's3://bucket/candor.zip', pip: ['trl', 'peft'] },
          accelerate: { numProcesses: 8, configFile: 'configs/zero3.yaml' },
          numGpus: 8,
          wait: fastWait,
        },
      },
      evalEndpoint: 'http://vllm:8000/v1',
    });
    const statuses: string[] = [];
    const result = await backend.train(
      { name: 'ratio-0.3', config: trainingConfigSchema.parse({ method: 'sft', lora: {} }), seed: 1, baseModel: 'meta-llama/Llama-3.1-8B-Instruct', datasets: [{ path: data }], outputDir: join(dir, 'arm') },
      { onLog: (line) => statuses.push(line.split(': ')[1] ?? `no status in "${line}"`) },
    );
    assert.deepEqual(statuses, ['PENDING', 'RUNNING', 'SUCCEEDED']);
    assert.deepEqual(result.metrics, { train_loss: 0.75 });
    assert.equal(result.modelSpec, `openai:candor-ratio-0.3-${result.jobDigest.slice(0, 8)}@http://vllm:8000/v1`);
    assert.equal(await readFile(result.logsPath, 'utf8'), 'candor_trl: training sft on 1 rows\ncandor_trl: saved\n');

    const posts = server.requests.filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1);
    const post = defined(posts[0], 'the job submission');
    assert.equal(post.path, '/api/jobs/');
    const body = post.body as RayJobSubmission;
    assert.equal(body.entrypoint, `accelerate launch --config_file configs/zero3.yaml --num_processes 8 --mixed_precision bf16 python/candor_trl.py --config /mnt/shared/arm/trl_config.json`);
    assert.match(body.submission_id, /^candor-[0-9a-f]{32}$/);
    assert.deepEqual(body.runtime_env, { working_dir: 's3://bucket/candor.zip', pip: ['trl', 'peft'] });
    assert.deepEqual(body.metadata, { candor_job: 'ratio-0.3', candor_method: 'sft', candor_job_digest: result.jobDigest });
    assert.equal(body.entrypoint_num_gpus, 8);
    assert.ok(server.requests.every((r) => r.headers.authorization === 'Bearer cluster-token'));
    assert.ok(!JSON.stringify(body).includes('cluster-token'), 'the credential travels only as a header');
    assert.deepEqual(
      server.requests.map((r) => `${r.method} ${r.path}`),
      [
        `GET /api/jobs/${body.submission_id}`,
        'POST /api/jobs/',
        `GET /api/jobs/${body.submission_id}`,
        `GET /api/jobs/${body.submission_id}`,
        `GET /api/jobs/${body.submission_id}`,
        `GET /api/jobs/${body.submission_id}/logs`,
      ],
    );
  } finally {
    await server.close();
  }
});

test('contract: resubmitting the same job is idempotent (no second POST), also when Ray reports "already exists"', async () => {
  const server = await startRayServer();
  try {
    const client = new RayJobsClient({ address: server.address });
    const first = await runRayJob(client, submission('candor-abc'), fastWait);
    const second = await runRayJob(client, submission('candor-abc'), fastWait);
    assert.equal(first.alreadyExisted, false);
    assert.equal(second.alreadyExisted, true);
    assert.equal(second.details.status, 'SUCCEEDED');
    assert.equal(server.requests.filter((r) => r.method === 'POST').length, 1);
  } finally {
    await server.close();
  }

  const racy = await startRayServer({ hideOnFirstGet: true });
  try {
    const client = new RayJobsClient({ address: racy.address });
    await client.submit(submission('candor-race'));
    // A second submitter sees 404 on its check, then Ray's duplicate-id error: same job, not a failure.
    const again = await client.submit(submission('candor-race'));
    assert.equal(again.alreadyExisted, true);
    assert.equal(racy.jobs.size, 1);
  } finally {
    await racy.close();
  }
});

test('contract: a FAILED job throws with its logs in the error', async () => {
  const server = await startRayServer({ script: ['PENDING', 'RUNNING', 'FAILED'], logs: 'loading model\ntorch.OutOfMemoryError: CUDA out of memory\n' });
  try {
    const client = new RayJobsClient({ address: server.address });
    await assert.rejects(runRayJob(client, submission('candor-oom'), fastWait), (e: unknown) => {
      assert.ok(e instanceof TrainingFailedError);
      assert.match(e.message, /Ray job candor-oom FAILED: Job entrypoint command failed/);
      assert.match(e.message, /CUDA out of memory/);
      return true;
    });
    assert.ok(server.requests.some((r) => r.path === '/api/jobs/candor-oom/logs'));
  } finally {
    await server.close();
  }
});

test('contract: an abort stops the job on the cluster; a wait timeout leaves it running', async () => {
  const server = await startRayServer({ script: ['PENDING', 'RUNNING'] });
  try {
    const client = new RayJobsClient({ address: server.address });
    const controller = new AbortController();
    const waiting = runRayJob(client, submission('candor-long'), {
      ...fastWait,
      signal: controller.signal,
      onStatus: (d) => d.status === 'RUNNING' && controller.abort(),
    });
    await assert.rejects(waiting, { name: 'AbortError' });
    assert.ok(server.requests.some((r) => r.method === 'POST' && r.path === '/api/jobs/candor-long/stop'));
    assert.equal(server.jobs.get('candor-long')?.stopped, true);

    await assert.rejects(runRayJob(client, submission('candor-slow'), { ...fastWait, timeoutMs: 60 }), (e: unknown) => e instanceof RayJobsError && /gave up waiting for job candor-slow .*still on the cluster/.test(e.message));
    assert.equal(server.jobs.get('candor-slow')?.stopped, false);
  } finally {
    await server.close();
  }
});

test('contract: an unreachable dashboard is a clear error', async () => {
  const server = await startRayServer();
  const address = server.address;
  await server.close();
  const client = new RayJobsClient({ address, requestTimeoutMs: 2_000 });
  await assert.rejects(client.submit(submission('candor-x')), (e: unknown) => e instanceof RayJobsError && e.message.includes(`GET ${address}/api/jobs/candor-x`));
  assert.throws(() => new RayJobsClient({ address: 'not a url' }), /not a URL/);
});
