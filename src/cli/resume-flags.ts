/**
 * `--resume DIR` with flags that would change what the run measures (--data, --configs, --lie-k,
 * --temperature, --limit) is refused when they differ from what the run stored: a resume finishes
 * the run it names, with its own options, and a silently ignored flag would mislead.
 */
import { join, resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../util/errors.js';

const storedSchema = z.object({ options: z.record(z.string(), z.unknown()) });

/** `given`: stored option name → [flag, value passed] for the flags the user gave. */
export function refuseChangedResumeFlags(resumeDir: string, given: Record<string, readonly [flag: string, value: unknown]>): void {
  const file = join(resumeDir, 'run.json');
  let stored: Record<string, unknown>;
  try {
    stored = storedSchema.parse(JSON.parse(readFileSync(file, 'utf8'))).options;
  } catch {
    return; // no readable run here: the runner says so with its own error
  }
  for (const [name, [flag, value]] of Object.entries(given)) {
    if (value === undefined) continue;
    const was = stored[name] ?? null;
    const same = name === 'data' && typeof was === 'string' && typeof value === 'string' ? samePath(was, value) : JSON.stringify(normalize(was)) === JSON.stringify(normalize(value));
    if (!same) {
      throw new InputError(`the run being resumed used ${flag} ${describe(was)}, not ${describe(value)}; a resume keeps the run's own options (start a new run with --out to change them)`, { file, field: flag });
    }
  }
}

/** Data paths compare resolved (builtin:NAME as written). */
function samePath(a: string, b: string): boolean {
  return a.startsWith('builtin:') || b.startsWith('builtin:') ? a === b : resolve(a) === resolve(b);
}

/** Lists compare as sets; everything else as JSON. */
function normalize(value: unknown): unknown {
  return Array.isArray(value) ? [...value].map(String).sort() : value;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  return Array.isArray(value) ? value.join(',') : String(value);
}
