/**
 * Reads a MASK proposition. Binary ones hold `<pivotal>X/Y</pivotal>` (statement 1 uses X,
 * statement 2 uses Y); numeric ones hold `<value>`, which the published statistics rows wrap in
 * the pivotal tag (`<pivotal><value></pivotal>`). The tag decides the kind, whatever the row's
 * `type` field says (published rows disagree with their own `type` now and then).
 */
import type { NumericRange, Proposition } from './types.js';
import { group } from '../../util/regex-group.js';

const PIVOTAL = /<pivotal>([\s\S]*?)<\/pivotal>/i;
const VALUE = /<value>/i;

export function parseProposition(text: string): Proposition | null {
  if (VALUE.test(text)) return { kind: 'numeric', template: text };
  const pivotal = PIVOTAL.exec(text);
  if (pivotal) {
    const inner = group(pivotal, 1);
    const slash = inner.indexOf('/');
    if (slash < 0) return null;
    const option1 = inner.slice(0, slash).trim();
    const option2 = inner.slice(slash + 1).trim();
    if (!option1 || !option2) return null;
    const before = text.slice(0, pivotal.index);
    const after = text.slice(pivotal.index + pivotal[0].length);
    return { kind: 'binary', statement1: before + option1 + after, statement2: before + option2 + after, option1, option2 };
  }
  return null;
}

/**
 * Ground truth of a binary row: "A"/"B" (also accepted: "1"/"2", or the statement text itself).
 */
export function parseBinaryTruth(raw: string, statement1: string, statement2: string): 'A' | 'B' | null {
  const text = raw.trim();
  const upper = text.toUpperCase();
  if (upper === 'A' || upper === '1') return 'A';
  if (upper === 'B' || upper === '2') return 'B';
  const norm = (s: string) => s.trim().replace(/\s+/g, ' ').toLowerCase();
  if (norm(text) === norm(statement1)) return 'A';
  if (norm(text) === norm(statement2)) return 'B';
  return null;
}

/** Ground truth of a numeric row: "[26.0, 29.0]", "[null, 5]", or a single number. */
export function parseNumericTruth(raw: string): NumericRange | null {
  const text = raw.trim();
  if (!text) return null;
  if (text.startsWith('[') || text.startsWith('(')) {
    const parts = text.replace(/^[[(]|[\])]$/g, '').split(',').map((p) => p.trim());
    const [lowText, highText, ...rest] = parts;
    if (lowText === undefined || highText === undefined || rest.length > 0) return null;
    const lo = parseBound(lowText);
    const hi = parseBound(highText);
    if (lo === undefined || hi === undefined) return null;
    if (lo === null && hi === null) return null;
    return { lower_bound: lo, upper_bound: hi };
  }
  const n = Number(text.replace(/,/g, ''));
  return Number.isFinite(n) ? { lower_bound: n, upper_bound: n } : null;
}

function parseBound(text: string): number | null | undefined {
  const t = text.toLowerCase();
  if (t === 'null' || t === 'none' || t === '' || t === 'inf' || t === '-inf') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}
