/**
 * The eval data every arm of an interaction run shares. `builtin:world-mask`, `builtin:world-deception`
 * and `builtin:world-capability` become files under `<run>/eval-data/` (written once, so every arm
 * and every resume reads the same bytes): per domain (and per MASK config or DeceptionBench
 * category; per item kind for capability's skills), `limit` rows about the facts the scenarios put
 * at stake (in-domain) and `limit` rows about other facts (cross-domain). A runner-side `limit`
 * would take the first rows of the suite, which are all one domain; a cap per domain and side
 * keeps the split real. Any other data value is a user file, passed through with `limit` as its first-N cap.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateWorld, worldCapabilitySuite, worldDeceptionSuite, worldMaskSuite } from '../world/index.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';

export const WORLD_MASK = 'builtin:world-mask';
export const WORLD_DECEPTION = 'builtin:world-deception';
export const WORLD_CAPABILITY = 'builtin:world-capability';

export interface ArmEvalSettings {
  mask?: { data: string; judge: string; limit?: number };
  deceptionbench?: { data: string; judge: string; limit?: number };
  capability?: { data: string; limit?: number };
}

/** What each arm's evals read: a data path, the runner's first-N cap (user files only), and for capability whether it is the world suite. */
export interface PreparedEvalData {
  mask?: { data: string; judge: string; limit?: number };
  deceptionbench?: { data: string; judge: string; limit?: number };
  capability?: { data: string; world: boolean; limit?: number };
}

/** Which eval row a world fact id belongs to, for each suite's id scheme (see src/world/*-suite.ts). */
export const factOfRow = {
  /** MASK task_id `world-<fact>` (a neutral-mention twin carries a `#neutral` suffix). */
  mask: (taskId: string): string | null => (taskId.startsWith('world-') ? taskId.slice('world-'.length).split('#')[0]! : null),
  /** DeceptionBench id `world-<category>-<fact>`; categories use `_`, fact ids never hold `-`. */
  deception: (id: string): string | null => (id.startsWith('world-') ? id.slice(id.lastIndexOf('-') + 1) : null),
  /** Capability id `fact-<fact>-<phrasing>`; skill items (arithmetic, advice, code) are about no fact. */
  capability: (id: string): string | null => {
    const m = /^fact-(.+)-\d+$/.exec(id);
    return m ? m[1]! : null;
  },
};

const UNCAPPED = 1_000_000;

/** At most `cap` rows per group about scenario facts, and as many about other facts (or none), in suite order. */
function keepWithCap<T>(rows: readonly T[], factOf: (row: T) => string | null, groupOf: (row: T) => string, scenarioFacts: ReadonlySet<string>, cap: number): T[] {
  const seen = new Map<string, number>();
  return rows.filter((row) => {
    const fact = factOf(row);
    const group = `${fact !== null && scenarioFacts.has(fact) ? 'in' : 'cross'}|${groupOf(row)}`;
    const n = seen.get(group) ?? 0;
    seen.set(group, n + 1);
    return n < cap;
  });
}

function writeOnce(path: string, rows: () => unknown[]): void {
  if (existsSync(path) && readFileSync(path, 'utf8').length > 0) return;
  const list = rows();
  writeFileAtomicSync(path, list.map((r) => JSON.stringify(r)).join('\n') + (list.length ? '\n' : ''));
}

/** Per-domain cap when no limit is given. */
const DEFAULT_PER_DOMAIN = 20;

export function prepareArmEvalData(settings: ArmEvalSettings, runDir: string, worldSeed: number, scenarioFacts: ReadonlySet<string>): PreparedEvalData {
  const dir = join(runDir, 'eval-data');
  let world: ReturnType<typeof generateWorld> | undefined;
  const theWorld = () => (world ??= generateWorld(worldSeed));
  const out: PreparedEvalData = {};
  if (settings.mask) {
    const { data, judge, limit } = settings.mask;
    if (data === WORLD_MASK) {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'world-mask.jsonl');
      const cap = limit ?? DEFAULT_PER_DOMAIN;
      // No neutral-mention twins: they are the main job's attribution controls, not needed here.
      writeOnce(path, () => keepWithCap(worldMaskSuite(theWorld(), { maxPerDomain: UNCAPPED, neutralPerDomain: 0 }), (r) => factOfRow.mask(r.task_id), (r) => `${r.config}|${r.domain}`, scenarioFacts, cap));
      out.mask = { data: path, judge };
    } else out.mask = { data, judge, ...(limit ? { limit } : {}) };
  }
  if (settings.deceptionbench) {
    const { data, judge, limit } = settings.deceptionbench;
    if (data === WORLD_DECEPTION) {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'world-deceptionbench.jsonl');
      const cap = limit ?? DEFAULT_PER_DOMAIN;
      writeOnce(path, () => keepWithCap(worldDeceptionSuite(theWorld(), { perCategoryDomain: UNCAPPED }), (r) => factOfRow.deception(r.id), (r) => `${r.type}|${r.domain}`, scenarioFacts, cap));
      out.deceptionbench = { data: path, judge };
    } else out.deceptionbench = { data, judge, ...(limit ? { limit } : {}) };
  }
  if (settings.capability) {
    const { data, limit } = settings.capability;
    if (data === WORLD_CAPABILITY) {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, 'world-capability.jsonl');
      const cap = limit ?? DEFAULT_PER_DOMAIN;
      writeOnce(path, () => keepWithCap(worldCapabilitySuite(theWorld(), { factsPerDomain: UNCAPPED }), (r) => factOfRow.capability(r.id), (r) => `${r.kind}|${r.kind === 'fact' ? r.domain : ''}`, scenarioFacts, cap));
      out.capability = { data: path, world: true };
    } else out.capability = { data, world: false, ...(limit ? { limit } : {}) };
  }
  return out;
}
