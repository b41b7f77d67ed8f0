/**
 * Start-up time and peak memory of `candor --help` and `candor --version`, run the way a user
 * runs them (bin/candor.mjs in a fresh process), from the compiled dist/ and from the sources
 * through tsx (CANDOR_FROM_SOURCE=1). Prints median and worst wall time and peak RSS per case.
 * Target (issue 7): ≤ 0.3 s on the 2-core machine. Measures a snapshot of bin/, src/ and
 * package.json in a temporary directory (its own dist/ built there), so edits to the working tree
 * during the run cannot turn dist/ stale half-way.
 * Run: node --import tsx bench/cli-startup.ts [runs]
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'candor-bench-cli-'));
for (const path of ['bin', 'src', 'package.json']) cpSync(join(repo, path), join(root, path), { recursive: true });
symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'));
process.on('exit', () => rmSync(root, { recursive: true, force: true }));
const runs = Number(process.argv[2] ?? 10);
const hasTime = existsSync('/usr/bin/time');

interface Sample {
  seconds: number;
  maxRssKb: number | null;
}

function once(args: string[], env: Record<string, string>): Sample {
  const started = process.hrtime.bigint();
  const command = hasTime ? '/usr/bin/time' : process.execPath;
  const argv = hasTime ? ['-f', '%M', process.execPath, join(root, 'bin/candor.mjs'), ...args] : [join(root, 'bin/candor.mjs'), ...args];
  const result = spawnSync(command, argv, { env: { ...process.env, ...env }, encoding: 'utf8' });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`candor ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const rss = hasTime ? Number(result.stderr.trim().split('\n').pop()) : NaN;
  return { seconds, maxRssKb: Number.isFinite(rss) ? rss : null };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const build = spawnSync(process.execPath, [join(root, 'bin/build-dist.mjs')], { encoding: 'utf8' });
if (build.status !== 0) throw new Error(`building dist/ failed: ${build.stderr}`);

console.log(`candor start-up, ${runs} runs per case; ${cpus().length} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('case                         median s   worst s   peak RSS MB');
for (const [label, env] of [['dist/', {}], ['sources via tsx', { CANDOR_FROM_SOURCE: '1' }]] as const) {
  for (const args of [['--help'], ['--version']]) {
    once(args, env); // warm the file cache
    const samples = Array.from({ length: runs }, () => once(args, env));
    const secs = samples.map((s) => s.seconds);
    const rss = samples.map((s) => s.maxRssKb).filter((v): v is number => v !== null);
    const name = `${label} ${args.join(' ')}`.padEnd(28);
    console.log(`${name} ${median(secs).toFixed(3).padStart(8)}  ${Math.max(...secs).toFixed(3).padStart(8)}  ${rss.length ? (Math.max(...rss) / 1024).toFixed(0).padStart(11) : '          ?'}`);
  }
}
