import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkLayers, formatReport } from '../scripts/check-layers.js';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'candor-layers-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

test('the checker finds imports up the layering, computed dynamic imports, unknown rooms and cycles', () => {
  const rooms = { cli: ['models', 'util'], models: ['util'], util: [] };
  const root = tree({
    'cli/main.ts': "import { spec } from '../models/spec.js';\nexport const run = async (name: string) => import(`../models/${name}.js`);\n",
    'models/spec.ts': "import type { Main } from '../cli/types.js';\nexport { clamp } from '../util/clamp.js';\nexport const spec = (m?: Main) => m;\n",
    'models/lazy.ts': "export const load = () => import('../util/clamp.js');\n",
    'cli/types.ts': 'export type Main = { a: number };\n',
    'util/clamp.ts': "import { twice } from './twice.js';\nexport const clamp = (x: number) => twice(x);\n",
    'util/twice.ts': "import { clamp } from './clamp.js';\nexport const twice = (x: number) => clamp(x) * 2;\n",
    'util/self.ts': "import * as me from './self.js';\nexport const x = me;\n",
    'extra/odd.ts': "import { clamp } from '../util/clamp.js';\nexport const y = clamp(1);\n",
  });
  const report = checkLayers(root, rooms);
  const found = report.violations.map((v) => `${v.kind} ${v.file}:${v.line}`).sort();
  assert.deepEqual(found, [
    'against-layering models/spec.ts:1', // models → cli, type-only imports count as well
    'computed-import cli/main.ts:2',
    'unknown-room extra/odd.ts:1',
  ]);
  assert.deepEqual(report.cycles, [['util/clamp.ts', 'util/twice.ts'], ['util/self.ts']]);
  assert.ok(report.edges.some((e) => e.from === 'models/lazy.ts' && e.to === 'util/clamp.ts'), 'a literal import() is an edge like any other');
  assert.match(formatReport(report), /src\/models\/spec\.ts:1 {2}models → cli \(type only\)/);
});

test('every import in src/ runs down the layering, with no cycles', () => {
  const report = checkLayers(SRC);
  assert.equal(report.violations.length + report.cycles.length, 0, formatReport(report));
});
