/**
 * Entries of the world's fixed tables (question templates, phrasings, requests) by index. Indices
 * come from the generators' own constants, so one past the end is a bug in a generator: it fails
 * here, naming the table, instead of writing "undefined" into a data set.
 */
export function entryAt<T>(table: readonly T[], index: number, what: string): T {
  const entry = table[index];
  if (entry === undefined) throw new RangeError(`${what}: no entry ${index} (the table has ${table.length})`);
  return entry;
}

export function lastEntry<T>(table: readonly T[], what: string): T {
  return entryAt(table, table.length - 1, what);
}
