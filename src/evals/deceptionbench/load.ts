/** DeceptionBench data from a path or a built-in suite name. */
import { builtinFile, builtinName, loadGeneratedSuite } from '../builtin/index.js';
import { readDeceptionBench, parseDeceptionRecords } from './reader.js';
import type { DeceptionItem } from './types.js';

export async function loadDeceptionItems(data: string, categories?: string[]): Promise<DeceptionItem[]> {
  const name = builtinName(data);
  if (name === 'world-deception') {
    const rows = await loadGeneratedSuite('world-deception');
    return parseDeceptionRecords(data, rows.map((value, i) => ({ line: i + 1, value: value as Record<string, unknown> })), categories);
  }
  return readDeceptionBench(name !== null ? builtinFile(name) : data, { categories });
}
