/**
 * The layering check: every import inside src/ must run down the flow of data, from the command
 * line to the leaves. A room is a top-level folder of src/; ROOM_IMPORTS names, for each room, the
 * lower rooms it may import (a room may always import itself). Reads static `import … from`,
 * `export … from`, `import x = require()` and `import()`; a dynamic import whose path is not a
 * literal is itself a violation, since no check (and no type checker) can follow it. Cycles between
 * modules are found as strongly connected components of the file graph.
 *
 *   npx tsx scripts/check-layers.ts            exit 1 on any violation or cycle
 *   npx tsx scripts/check-layers.ts --report   list them and exit 0
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

/**
 * Room → the rooms below it that it may import. The order, top to bottom:
 *   cli
 *   serve (beside cli: the CLI starts it) · report, export (they read what experiments wrote)
 *   experiments · interact (peers: neither imports the other)
 *   world (the synthetic world: its generators, suites, checks, probe, base pre-training)
 *   train · evals (peers)
 *   models · store · run (peers: providers, the call store and cache, run directories)
 *   embedded (the embedded model's engine, driven by a provider or a trainer)
 *   data (training-data records, registry of datasets)
 *   formats (row formats: chat messages, samples, the word split — a leaf) · util (the leaf under everything)
 */
export const ROOM_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  cli: ['serve', 'report', 'export', 'experiments', 'interact', 'world', 'train', 'evals', 'models', 'store', 'run', 'embedded', 'data', 'formats', 'util'],
  serve: ['models', 'store', 'run', 'embedded', 'data', 'formats', 'util'],
  report: ['experiments', 'interact', 'world', 'train', 'evals', 'models', 'store', 'run', 'embedded', 'data', 'formats', 'util'],
  export: ['experiments', 'interact', 'world', 'train', 'evals', 'models', 'store', 'run', 'embedded', 'data', 'formats', 'util'],
  experiments: ['world', 'train', 'evals', 'models', 'store', 'run', 'embedded', 'data', 'formats', 'util'],
  interact: ['world', 'train', 'evals', 'models', 'store', 'run', 'embedded', 'data', 'formats', 'util'],
  world: ['evals', 'models', 'store', 'run', 'embedded', 'data', 'formats', 'util'],
  train: ['models', 'store', 'run', 'embedded', 'data', 'formats', 'util'],
  evals: ['models', 'store', 'run', 'data', 'formats', 'util'],
  models: ['embedded', 'data', 'formats', 'util'],
  store: ['data', 'formats', 'util'],
  run: ['data', 'formats', 'util'],
  embedded: ['data', 'formats', 'util'],
  data: ['formats', 'util'],
  formats: ['util'],
  util: [],
};

export interface ImportEdge {
  /** Files relative to the checked root, with `/` separators. */
  from: string;
  to: string;
  line: number;
  typeOnly: boolean;
}

export interface LayerViolation {
  kind: 'against-layering' | 'unknown-room' | 'computed-import';
  file: string;
  line: number;
  fromRoom: string;
  toRoom?: string;
  target?: string;
  detail: string;
}

export interface LayerReport {
  files: number;
  edges: ImportEdge[];
  violations: LayerViolation[];
  /** Each cycle as the files in it, sorted; a file importing itself counts too. */
  cycles: string[][];
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts') && !path.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

const toPosix = (path: string): string => path.split(sep).join('/');

export function roomOf(file: string): string {
  const slash = file.indexOf('/');
  return slash < 0 ? '(root)' : file.slice(0, slash);
}

/** `./x.js` → `x.ts` (NodeNext writes the emitted name); a folder or extensionless path tries index.ts. */
function resolveTarget(rootDir: string, fromAbs: string, specifier: string, known: Set<string>): string {
  const base = resolve(dirname(fromAbs), specifier);
  const emitted = base.replace(/\.js$/, '.ts');
  const candidates = [emitted, base, `${base}.ts`, join(base, 'index.ts')];
  for (const candidate of candidates) {
    const rel = toPosix(relative(rootDir, candidate));
    if (known.has(rel)) return rel;
  }
  return toPosix(relative(rootDir, emitted));
}

interface RawImport {
  specifier: string | undefined;
  line: number;
  typeOnly: boolean;
}

function importsOf(source: ts.SourceFile): RawImport[] {
  const found: RawImport[] = [];
  const lineOf = (node: ts.Node): number => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      found.push({ specifier: node.moduleSpecifier.text, line: lineOf(node), typeOnly });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ specifier: node.moduleSpecifier.text, line: lineOf(node), typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      found.push({ specifier: node.moduleReference.expression.text, line: lineOf(node), typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      found.push({ specifier: argument && ts.isStringLiteralLike(argument) ? argument.text : undefined, line: lineOf(node), typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, line: lineOf(node), typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Tarjan's strongly connected components over the file graph; components of one file count only with a self-import. */
function findCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, new Set());
    next.get(from)!.add(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let counter = 0;
  const connect = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || next.get(node)?.has(node)) cycles.push(component.sort());
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) connect(node);
  // A component holds at least its root node, so [0] is always there.
  return cycles.sort((a, b) => (a[0] ?? '').localeCompare(b[0] ?? ''));
}

/** Checks every .ts file under `rootDir` (src/ by default) against `rooms`. */
export function checkLayers(rootDir: string, rooms: Readonly<Record<string, readonly string[]>> = ROOM_IMPORTS): LayerReport {
  const absolute = sourceFiles(rootDir);
  const known = new Set(absolute.map((file) => toPosix(relative(rootDir, file))));
  const edges: ImportEdge[] = [];
  const violations: LayerViolation[] = [];
  for (const fileAbs of absolute) {
    const file = toPosix(relative(rootDir, fileAbs));
    const fromRoom = roomOf(file);
    const source = ts.createSourceFile(fileAbs, readFileSync(fileAbs, 'utf8'), ts.ScriptTarget.Latest, true);
    for (const { specifier, line, typeOnly } of importsOf(source)) {
      if (specifier === undefined) {
        violations.push({ kind: 'computed-import', file, line, fromRoom, detail: 'dynamic import with a computed path' });
        continue;
      }
      if (!specifier.startsWith('.')) continue; // a package or node: builtin
      const to = resolveTarget(rootDir, fileAbs, specifier, known);
      edges.push({ from: file, to, line, typeOnly });
      const toRoom = roomOf(to);
      if (toRoom === fromRoom) continue;
      const allowed = rooms[fromRoom];
      if (!allowed || !(toRoom in rooms)) {
        const unknown = allowed ? toRoom : fromRoom;
        violations.push({ kind: 'unknown-room', file, line, fromRoom, toRoom, target: to, detail: `room "${unknown}" has no place in the layering` });
      } else if (!allowed.includes(toRoom)) {
        violations.push({ kind: 'against-layering', file, line, fromRoom, toRoom, target: to, detail: `${fromRoom} → ${toRoom}${typeOnly ? ' (type only)' : ''}` });
      }
    }
  }
  return { files: absolute.length, edges, violations, cycles: findCycles(edges) };
}

export function formatReport(report: LayerReport): string {
  const lines = [`${report.files} files, ${report.edges.length} imports inside src/: ${report.violations.length} against the layering, ${report.cycles.length} cycle(s)`];
  for (const v of report.violations) lines.push(`  src/${v.file}:${v.line}  ${v.detail}${v.target ? `  (imports src/${v.target})` : ''}`);
  for (const cycle of report.cycles) {
    lines.push(`  cycle: ${cycle.map((f) => `src/${f}`).join(' ↔ ')}`);
    const members = new Set(cycle);
    for (const e of report.edges) {
      if (members.has(e.from) && members.has(e.to)) lines.push(`    src/${e.from}:${e.line} → src/${e.to}${e.typeOnly ? ' (type only)' : ''}`);
    }
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const srcDir = fileURLToPath(new URL('../src/', import.meta.url));
  const report = checkLayers(srcDir);
  console.log(formatReport(report));
  const failed = report.violations.length > 0 || report.cycles.length > 0;
  process.exitCode = failed && !process.argv.includes('--report') ? 1 : 0;
}
