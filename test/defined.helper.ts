import assert from 'node:assert/strict';

/**
 * `value`, after asserting that it is there: for a test that reads an array element or a record
 * entry that must exist, so a missing one fails the test by name instead of as a TypeError later.
 */
export function defined<T>(value: T | undefined, what: string): T {
  assert.ok(value !== undefined, `${what} is missing`);
  return value;
}
