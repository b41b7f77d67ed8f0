/**
 * Capture groups that a pattern always fills. A group outside any optional part or alternation is
 * set on every match, so a missing one means the pattern and the code reading it disagree: a bug,
 * reported as such rather than read as an empty string.
 */
export function group(match: RegExpMatchArray, n: number): string {
  const value = match[n];
  if (value === undefined) throw new Error(`capture group ${n} is not set in the match ${JSON.stringify(match[0])}`);
  return value;
}
