/**
 * The setup every MASK run test against the simulated world repeats: a loopback server for the
 * world, a fresh directory holding the world's MASK files, and run options pointing the subject
 * and the judge at that server. The server is closed however the test ends.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MaskEvalOptions } from '../src/evals/mask/run.js';
import { simWorld, startSimServer, writeSimMask, type SimEntity, type SimServer, type SimServerOptions } from './evals.sim-server.helper.js';

export interface SimMaskRun {
  world: SimEntity[];
  server: SimServer;
  dir: string;
  /** data, model (subject), judge (judge), out (dir/run), no progress bar. */
  options: MaskEvalOptions & { data: string; out: string };
}

export async function withSimMaskRun<T>(entities: number, name: string, serverOptions: SimServerOptions, body: (run: SimMaskRun) => Promise<T>): Promise<T> {
  const world = simWorld(entities);
  const server = await startSimServer(world, serverOptions);
  try {
    const dir = mkdtempSync(join(tmpdir(), `candor-${name}-`));
    const options = {
      data: writeSimMask(join(dir, 'data'), world),
      model: `openai:subject@${server.baseURL}`,
      judge: `openai:judge@${server.baseURL}`,
      out: join(dir, 'run'),
      progress: false,
    };
    return await body({ world, server, dir, options });
  } finally {
    await server.close();
  }
}
