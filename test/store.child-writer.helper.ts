/**
 * Child process for store tests: records `count` calls into the store at argv[2] under a name
 * prefix, then either closes cleanly or kills itself with SIGKILL (a crash that skips all cleanup).
 */
import { openCallStore } from '../src/store/call-store.js';

const [path, prefix, countText, ending] = process.argv.slice(2);
const store = openCallStore(path);
const count = Number(countText);
for (let i = 0; i < count; i++) {
  store.record('openai:child@http://127.0.0.1/v1', { messages: [{ role: 'user', content: `${prefix}-${i}` }] }, { text: `answer ${prefix}-${i}`, usage: { promptTokens: 1, completionTokens: 1 } });
}
if (ending === 'kill') process.kill(process.pid, 'SIGKILL');
store.close();
