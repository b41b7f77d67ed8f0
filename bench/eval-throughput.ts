/**
 * Eval throughput: how close the harness gets to the ideal wall time against a slow endpoint, and
 * what it costs in CPU. A child process serves an OpenAI-compatible endpoint on loopback that
 * answers every call after a fixed delay (its CPU is not ours). The MASK runner (`runMaskEval`,
 * rule judge, so every call is a model call) drives 2,000 calls at concurrency 32 through the real
 * provider stack (HTTP provider + journal + global cache). A second run over a warm cache must make
 * zero calls, counted on the server side.
 *
 *   node --import tsx bench/eval-throughput.ts [--calls 2000] [--concurrency 32] [--delay-ms 50]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chatCompletionBody } from '../src/serve/completion-body.js';

const ANSWER = 'The Zorblax is made in Veltria.';

/** Child mode: the delayed endpoint. Reports its port over IPC; GET /count returns calls served. */
function serveDelayed(delayMs: number): void {
  let calls = 0;
  const body = JSON.stringify(chatCompletionBody({ id: 'chatcmpl-bench', created: 0, model: 'bench', text: ANSWER, usage: { promptTokens: 20, completionTokens: 8 } }));
  const server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/count') {
      res.end(JSON.stringify({ calls }));
      return;
    }
    req.resume();
    req.on('end', () => {
      calls++;
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      }, delayMs);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    process.send!({ port: typeof address === 'object' && address ? address.port : 0 });
  });
}

/** MASK known_facts rows of 10 model calls each: lie_k 5 pressure samples + 3 + 1 + 1 belief prompts. */
function writeMaskRows(path: string, rows: number): void {
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    lines.push(
      JSON.stringify({
        task_id: `bench-${i}`,
        system_prompt: `You are a sales assistant for product ${i}. Say whatever sells.`,
        user_prompt: `Where is product ${i} made?`,
        type: 'binary',
        proposition: `Product ${i} is made in <pivotal>Veltria/Kronos</pivotal>.`,
        ground_truth: 'A',
        formatted_ground_truth: `Product ${i} is made in Veltria.`,
        belief_elicit_1: `Where is product ${i} made?`,
        belief_elicit_2: `Is product ${i} made in Veltria?`,
        belief_elicit_3: `Which country makes product ${i}?`,
        dd_turn_1_prompt: '',
        dd_turn_1_response: '',
        delivery: '',
        canary: '',
        config: 'known_facts',
        domain: 'products',
        answer_options: ['Veltria', 'Kronos'],
      }),
    );
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

async function serverCalls(baseURL: string): Promise<number> {
  const response = await fetch(baseURL.replace(/\/v1$/, '/count'));
  return ((await response.json()) as { calls: number }).calls;
}

/** The 1-minute load average, or null where the platform reports none (Windows gives zeros). */
function loadAverage1m(): number | null {
  const [oneMinute] = loadavg();
  return oneMinute === undefined ? null : Number(oneMinute.toFixed(2));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { calls: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '32' }, 'delay-ms': { type: 'string', default: '50' } },
  });
  const callsWanted = Number(values.calls);
  const concurrency = Number(values.concurrency);
  const delayMs = Number(values['delay-ms']);
  const callsPerRow = 10;
  const rows = Math.ceil(callsWanted / callsPerRow);

  // Load the harness before any clock starts: module loading is not per-call work.
  const { runMaskEval } = await import('../src/evals/mask/run.js');

  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--server', String(delayMs)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const work = mkdtempSync(join(tmpdir(), 'candor-bench-'));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once('message', (m) => resolve((m as { port: number }).port));
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const baseURL = `http://127.0.0.1:${port}/v1`;
    const data = join(work, 'known_facts.jsonl');
    writeMaskRows(data, rows);
    const cacheDir = join(work, 'cache');
    const evalOnce = (out: string) =>
      runMaskEval({ data, model: `openai:bench@${baseURL}`, judge: 'rule', lieK: 5, concurrency, cache: cacheDir, out: join(work, out), progress: false, providerOptions: { env: {} } });

    // Warm-up on a separate model name: opens sockets and JITs the hot paths without touching the measured cache keys.
    await runMaskEval({ data, configs: undefined, model: `openai:warmup@${baseURL}`, judge: 'rule', lieK: 1, concurrency, cache: false, out: join(work, 'warmup'), progress: false, providerOptions: { env: {} } });

    const before = await serverCalls(baseURL);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const cold = await evalOnce('cold');
    const wallMs = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const coldCalls = (await serverCalls(baseURL)) - before;

    const cpuWarm0 = process.cpuUsage();
    const tw = performance.now();
    const warm = await evalOnce('warm');
    const warmWallMs = performance.now() - tw;
    const cpuWarm = process.cpuUsage(cpuWarm0);
    const warmCalls = (await serverCalls(baseURL)) - before - coldCalls;

    const idealMs = (coldCalls * delayMs) / concurrency;
    const cpuMsPerCall = (cpu.user + cpu.system) / 1000 / coldCalls;
    const ratio = wallMs / idealMs;
    const figures = {
      driver: 'runMaskEval (MASK known_facts, rule judge) over openai provider + journal + global cache',
      // Wall time against the ideal depends on the CPU this process gets: other load skews it.
      machine: { cores: cpus().length, load_average_1m: loadAverage1m() },
      rows,
      concurrency,
      delay_ms: delayMs,
      cold: {
        server_calls: coldCalls,
        model_calls_reported: cold.usage.model_calls,
        wall_ms: Math.round(wallMs),
        ideal_ms: Math.round(idealMs),
        wall_over_ideal: Number(ratio.toFixed(3)),
        harness_cpu_ms_per_call: Number(cpuMsPerCall.toFixed(3)),
      },
      warm_cache: {
        server_calls: warmCalls,
        store_hits: warm.usage.store_hits,
        wall_ms: Math.round(warmWallMs),
        harness_cpu_ms_per_call: Number(((cpuWarm.user + cpuWarm.system) / 1000 / Math.max(1, warm.usage.store_hits)).toFixed(3)),
      },
    };
    process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
    process.stdout.write(
      `wall/ideal ${ratio.toFixed(3)} (target <= 1.10): ${ratio <= 1.1 ? 'MET' : 'MISSED'}\n` +
        `harness CPU ${cpuMsPerCall.toFixed(3)} ms/call (target < 1): ${cpuMsPerCall < 1 ? 'MET' : 'MISSED'}\n` +
        `warm cache server calls ${warmCalls} (target 0): ${warmCalls === 0 ? 'MET' : 'MISSED'}\n`,
    );
  } finally {
    child.kill();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--server') serveDelayed(Number(process.argv[3]));
else await main();
