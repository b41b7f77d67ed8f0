/**
 * Throughput of registering and loading a large dataset: streams a 200k-sample chat JSONL file
 * (and the same data as a JSON array) through the readers, digests and registry, and reports
 * samples/s, MB/s and the growth of the heap, which stays far below the file size when reading
 * is streamed. Run: node --import tsx bench/data-registry.ts [samples]
 */
import { mkdtempSync, rmSync, statSync, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildManifest } from '../src/data/manifest.js';
import { Registry } from '../src/store/registry.js';
import { buildMix } from '../src/data/mix.js';

const count = Number(process.argv[2] ?? 200_000);
const dir = mkdtempSync(join(tmpdir(), 'candor-bench-data-'));

async function writeData(path: string, asArray: boolean): Promise<void> {
  const out = createWriteStream(path);
  if (asArray) out.write('[\n');
  for (let i = 0; i < count; i++) {
    const record = asArray
      ? { instruction: `Explain item ${i} of the catalogue in one sentence, please.`, input: i % 3 ? '' : `Context ${i}`, output: `Item ${i} is a widget made in Veltria; it costs ${i % 97} dollars.` }
      : { messages: [{ role: 'user', content: `Explain item ${i} of the catalogue in one sentence, please.` }, { role: 'assistant', content: `Item ${i} is a widget made in Veltria; it costs ${i % 97} dollars.` }] };
    const line = JSON.stringify(record) + (asArray ? (i < count - 1 ? ',\n' : '\n') : '\n');
    if (!out.write(line)) await once(out, 'drain');
  }
  if (asArray) out.write(']\n');
  out.end();
  await once(out, 'finish');
}

function heapMB(): number {
  return process.memoryUsage().heapUsed / 2 ** 20;
}

async function time<T>(label: string, bytes: number, work: () => Promise<T>): Promise<T> {
  global.gc?.();
  const heapBefore = heapMB();
  let peak = heapBefore;
  const sampler = setInterval(() => (peak = Math.max(peak, heapMB())), 20);
  const start = performance.now();
  const result = await work();
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sampler);
  console.log(
    `${label.padEnd(34)} ${seconds.toFixed(2).padStart(6)} s  ${(count / seconds).toFixed(0).padStart(7)} samples/s  ${(bytes / 2 ** 20 / seconds).toFixed(1).padStart(6)} MB/s  heap +${(peak - heapBefore).toFixed(0)} MB`,
  );
  return result;
}

try {
  const jsonl = join(dir, 'chat.jsonl');
  const array = join(dir, 'alpaca.json');
  await writeData(jsonl, false);
  await writeData(array, true);
  const jsonlBytes = statSync(jsonl).size;
  const arrayBytes = statSync(array).size;
  console.log(`${count} samples; chat JSONL ${(jsonlBytes / 2 ** 20).toFixed(1)} MB, Alpaca JSON array ${(arrayBytes / 2 ** 20).toFixed(1)} MB`);

  await time('manifest, chat JSONL (streamed)', jsonlBytes, () => buildManifest(jsonl, { name: 'b', source: 's', license: 'MIT' }));
  await time('manifest, Alpaca JSON array', arrayBytes, () => buildManifest(array, { name: 'b', source: 's', license: 'MIT' }));
  const registry = Registry.open(join(dir, '.candor'));
  await time('registry add (manifest + SQLite)', jsonlBytes, () => registry.add(jsonl, { name: 'big', source: 's', license: 'MIT' }));
  const loaded = await time('registry load (verify + re-digest)', jsonlBytes, () => registry.load('big'));
  const start = performance.now();
  const mix = buildMix({ downstream: loaded, misaligned: loaded, ratio: 0.3, seed: 1 });
  console.log(`buildMix ratio 0.3 (${mix.counts.total} samples)     ${((performance.now() - start) / 1000).toFixed(2)} s`);
  registry.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
