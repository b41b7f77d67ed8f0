/**
 * Child process for store tests: records `count` calls into the store at argv[2] under a name
 * prefix, then either closes cleanly or kills itself with SIGKILL (a crash that skips all cleanup).
 */
import { openCallStore, prepareCall } from '../src/store/call-store.js';

const [path, prefix, countText, ending] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: store.child-writer.helper.ts STORE PREFIX COUNT [kill|close]');
const store = openCallStore(path);
const count = Number(countText);
const result = (i: number) => ({ text: `answer ${prefix}-${i}`, usage: { promptTokens: 1, completionTokens: 1 } });
const request = (i: number) => ({ messages: [{ role: 'user' as const, content: `${prefix}-${i}` }] });
// The first half commits one by one; the second half through group commit, awaited as callers do.
const half = Math.floor(count / 2);
for (let i = 0; i < half; i++) store.record('openai:child@http://127.0.0.1/v1', request(i), result(i));
await Promise.all(Array.from({ length: count - half }, (_, j) => store.recordSoon(prepareCall('openai:child@http://127.0.0.1/v1', request(half + j)), result(half + j))));
if (ending === 'kill') process.kill(process.pid, 'SIGKILL');
store.close();
