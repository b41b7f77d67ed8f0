/**
 * Writes samples as JSON Lines. The file appears under its final name only when complete (see
 * src/util/atomic-write.ts), so a crash never leaves a truncated dataset that a later run could
 * mistake for a finished one.
 */
import { writeStreamAtomic } from '../util/atomic-write.js';

export async function writeJsonl(path: string, records: Iterable<unknown> | AsyncIterable<unknown>): Promise<number> {
  return writeStreamAtomic(path, async (write) => {
    let count = 0;
    for await (const record of records as AsyncIterable<unknown>) {
      await write(JSON.stringify(record) + '\n');
      count++;
    }
    return count;
  });
}
