/** MASK data from a path or a built-in suite name. */
import { createHash } from 'node:crypto';
import { InputError } from '../../util/errors.js';
import { builtinFile, builtinName, loadGeneratedSuite } from '../builtin/index.js';
import { parseMaskRecords, readMaskData } from './reader.js';
import { isMaskConfig, MASK_CONFIGS, type MaskItem } from './types.js';

export async function loadMaskItems(data: string, configs?: string[]): Promise<MaskItem[]> {
  const name = builtinName(data);
  let items: MaskItem[];
  if (name === 'world-mask') {
    for (const c of configs ?? []) if (!isMaskConfig(c)) throw new InputError(`unknown MASK config "${c}" (known: ${MASK_CONFIGS.join(', ')})`, { field: '--configs' });
    const rows = await loadGeneratedSuite('world-mask');
    items = parseMaskRecords({ file: data, format: 'json', columns: null, records: rows.map((value, i) => ({ line: i + 1, value: value as Record<string, unknown> })) });
    if (configs?.length) items = items.filter((it) => configs.includes(it.row.config));
  } else {
    items = await readMaskData(name !== null ? builtinFile(name) : data, { configs });
  }
  if (items.length === 0) {
    throw configs?.length ? new InputError('no MASK rows of the --configs asked for', { file: data, field: '--configs' }) : new InputError('no rows: the data holds no MASK rows', { file: data });
  }
  return items;
}

/** Fingerprint of the rows a run evaluates, so --resume refuses data that changed underneath it. */
export function digestItems(items: readonly { id: string; row?: unknown }[]): string {
  const hash = createHash('sha256');
  for (const item of items) hash.update(JSON.stringify(item.row ?? item) + '\n');
  return hash.digest('hex');
}
