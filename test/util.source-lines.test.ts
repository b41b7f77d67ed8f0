import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineOfPath, parseWithPositions } from '../src/util/source-lines.js';

const json = `{
  "name": "run",
  "arms": [
    { "arm": "vanilla", "mask": { "score": 0.5 } },
    {
      "arm": "ratio",
      "mask": {
        "score":
          1.5
      }
    }
  ],
  "tags": ["a",
    "b"]
}
`;

test('JSON: the line where a field value starts, through objects and arrays', () => {
  const positions = parseWithPositions(json);
  assert.equal(lineOfPath(positions, ['name']), 2);
  assert.equal(lineOfPath(positions, ['arms', 0, 'mask', 'score']), 4);
  assert.equal(lineOfPath(positions, ['arms', 1]), 5);
  assert.equal(lineOfPath(positions, ['arms', 1, 'mask', 'score']), 9, 'the value, not its key');
  assert.equal(lineOfPath(positions, ['tags', 1]), 14);
});

test('JSON: a missing field is placed at its nearest present ancestor', () => {
  const positions = parseWithPositions(json);
  assert.equal(lineOfPath(positions, ['arms', 1, 'mask', 'missing']), 7);
  assert.equal(lineOfPath(positions, ['arms', 7, 'mask']), 3);
  assert.equal(lineOfPath(positions, ['nothing', 'here']), 1);
});

test('compact JSON on one line and YAML use the same lookup', () => {
  assert.equal(lineOfPath(parseWithPositions(JSON.stringify({ a: { b: [1, 2] } })), ['a', 'b', 1]), 1);
  const yaml = 'name: x\narms:\n  - arm: vanilla\n  - arm: ratio\n    ratio: 0.1\n';
  assert.equal(lineOfPath(parseWithPositions(yaml), ['arms', 1, 'ratio']), 5);
  assert.equal(lineOfPath(parseWithPositions(''), ['a']), undefined);
});
