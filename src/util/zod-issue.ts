/**
 * A zod issue as a message that names what was expected and what was found: zod's own text for a
 * union is only "Invalid input", which leaves a user guessing the field's type.
 */
import type { z } from 'zod';

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Expected types named by an issue (recursing into union branches). */
function expectedTypes(issue: z.core.$ZodIssue): string[] {
  if (issue.code === 'invalid_type') return [issue.expected];
  if (issue.code === 'invalid_union') return issue.errors.flatMap((branch) => branch.flatMap(expectedTypes));
  if (issue.code === 'invalid_value') return issue.values.map((v) => JSON.stringify(v));
  return [];
}

/** "expected string or number, got boolean"; other issues keep zod's message. */
export function describeZodIssue(issue: z.core.$ZodIssue, root: unknown): string {
  const expected = [...new Set(expectedTypes(issue))];
  if (expected.length === 0 || (issue.code !== 'invalid_type' && issue.code !== 'invalid_union')) return issue.message;
  const found = valueAt(root, issue.path);
  const got = found === undefined ? 'nothing (the field is missing)' : typeName(found);
  return `expected ${expected.join(' or ')}, got ${got}`;
}

/**
 * The first issue of a failed parse. zod reports at least one issue for every failure, so an empty
 * list is a broken invariant, not bad input.
 */
export function firstIssue<Issue = z.core.$ZodIssue>(error: { issues: readonly Issue[] }): Issue {
  const [issue] = error.issues;
  if (!issue) throw new Error('zod reported a failed parse without any issue');
  return issue;
}
