/**
 * `candor data add|list|show|verify` and `candor lineage`: argument parsing only; the work is done
 * by src/store/registry.ts and src/store/lineage.ts.
 */
import type { Command } from 'commander';
import { Option } from 'commander';
import { DEFAULT_REGISTRY_DIR, Registry } from '../../store/registry.js';
import { formatLineage } from '../../store/lineage.js';
import { parseDataFormat } from '../../data/readers.js';
import { DATA_FORMATS } from '../../data/types.js';

function registryOption(): Option {
  return new Option('--registry <dir>', 'registry directory (holds registry.sqlite)').default(DEFAULT_REGISTRY_DIR);
}

async function withRegistry<T>(dir: string, work: (registry: Registry) => Promise<T>): Promise<T> {
  const registry = Registry.open(dir);
  try {
    return await work(registry);
  } finally {
    registry.close();
  }
}

const out = (text: string) => process.stdout.write(text + '\n');

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('register datasets with their provenance, list, show and verify them');

  data
    .command('add')
    .description('register a data file (chat JSONL, Alpaca, Dolly or TRL KTO) with a manifest of sample digests')
    .argument('<file>', 'data file (JSON Lines or a JSON array)')
    .requiredOption('--name <name>', 'name to register the dataset under')
    .requiredOption('--source <uri>', 'where the data came from (URL, DOI, path)')
    .requiredOption('--license <license>', 'licence of the data (SPDX id if it has one)')
    .addOption(new Option('--format <format>', 'record format (default: detected from the first record)').choices([...DATA_FORMATS]))
    .option('--replace', 'replace an existing registration of the same name with different content')
    .addOption(registryOption())
    .action(async (file: string, opts: { name: string; source: string; license: string; format?: string; replace?: boolean; registry: string }) => {
      await withRegistry(opts.registry, async (registry) => {
        const manifest = await registry.add(file, {
          name: opts.name,
          source: opts.source,
          license: opts.license,
          format: opts.format ? parseDataFormat(opts.format, { field: '--format' }) : undefined,
          replace: opts.replace,
        });
        out(`registered ${manifest.name}: ${manifest.counts.samples} ${manifest.kind} samples (${manifest.format})`);
        out(`  dataset digest  ${manifest.datasetDigest}`);
        out(`  file sha256     ${manifest.file.sha256}  ${manifest.file.path}`);
      });
    });

  data
    .command('list')
    .description('list registered datasets')
    .option('--json', 'print JSON')
    .addOption(registryOption())
    .action(async (opts: { json?: boolean; registry: string }) => {
      await withRegistry(opts.registry, async (registry) => {
        const rows = registry.list();
        if (opts.json) return out(JSON.stringify(rows, null, 2));
        if (rows.length === 0) return out(`no datasets registered in ${registry.dir}`);
        for (const r of rows) {
          const generated = r.generator ? `  generator ${r.generator.name} seed ${r.generator.seed}` : '';
          out(`${r.name}\t${r.samples} ${r.kind}\t${r.datasetDigest.slice(0, 16)}\t${r.license}\t${r.source}${generated}`);
        }
      });
    });

  data
    .command('show')
    .description("show a dataset's manifest")
    .argument('<name>')
    .option('--digests', 'include every sample digest')
    .addOption(registryOption())
    .action(async (name: string, opts: { digests?: boolean; registry: string }) => {
      await withRegistry(opts.registry, async (registry) => {
        const manifest = registry.require(name);
        const shown = opts.digests ? manifest : { ...manifest, sampleDigests: `(${manifest.sampleDigests.length} digests; --digests to list)` };
        out(JSON.stringify(shown, null, 2));
      });
    });

  data
    .command('verify')
    .description('check that registered files still have the bytes they were registered with (all when no name is given)')
    .argument('[names...]')
    .addOption(registryOption())
    .action(async (names: string[], opts: { registry: string }) => {
      await withRegistry(opts.registry, async (registry) => {
        const targets = names.length ? names : registry.list().map((d) => d.name);
        let bad = 0;
        for (const name of targets) {
          const result = await registry.verify(name);
          if (result.ok) out(`ok       ${name}  ${result.filePath}`);
          else {
            bad++;
            out(`CHANGED  ${name}  ${result.filePath}: ${result.problem}${result.actualSha256 ? ` (recorded ${result.recordedSha256}, now ${result.actualSha256})` : ''}`);
          }
        }
        if (bad > 0) process.exitCode = 1;
      });
    });

  program
    .command('lineage')
    .description('print the chain from a run, eval result or checkpoint down to the source files, with digests')
    .argument('<run-or-result>', 'run id, artifact id, or a path to a result, checkpoint or run directory')
    .option('--json', 'print JSON')
    .addOption(registryOption())
    .action(async (target: string, opts: { json?: boolean; registry: string }) => {
      await withRegistry(opts.registry, async (registry) => {
        const tree = await registry.lineage.lineageOf(target);
        out(opts.json ? JSON.stringify(tree, null, 2) : formatLineage(tree));
      });
    });
}
