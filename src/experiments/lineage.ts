/**
 * Records a finished arm in the lineage graph, from the files the arm left behind, so it can be
 * redone at any time (idempotent) — also for arms finished by an earlier, killed invocation:
 *   run ─produced→ result ─evaluated→ checkpoint ─trained on→ mix ─drew from→ datasets → files
 *   (vanilla: result ─evaluated→ base model)
 */
import { existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LineageStore } from '../store/lineage.js';
import type { ArmResultFile } from './arm.js';
import { armPaths } from './layout.js';

const mixManifestSchema = z.object({
  arm: z.string(),
  ratio: z.number(),
  seed: z.union([z.number(), z.string()]),
  digest: z.string(),
  sources: z.array(z.object({ name: z.string(), datasetDigest: z.string(), drawn: z.number() })),
  samples: z.array(z.object({ source: z.string(), dataset: z.string(), index: z.number(), digest: z.string() })),
});

export interface ArmLineage {
  resultId: string;
  modelId?: string;
  checkpointId?: string;
  mixId?: string;
}

export async function recordArmLineage(
  lineage: LineageStore,
  run: { runId: string; runArtifactId: string; runDir: string; baseModel: string; baseModelDir?: string },
  result: ArmResultFile,
): Promise<ArmLineage> {
  const paths = armPaths(run.runDir, result.arm_id);
  let baseId: string | undefined;
  if (run.baseModelDir && existsSync(run.baseModelDir)) {
    baseId = await lineage.recordPath({ kind: 'model', path: run.baseModelDir, name: run.baseModel });
  }
  let evaluatedId = baseId;
  const out: Partial<ArmLineage> = {};
  if (result.arm !== 'vanilla') {
    const manifest = mixManifestSchema.parse(JSON.parse(readFileSync(paths.mixManifest, 'utf8')));
    out.mixId = lineage.recordMix(
      { arm: manifest.arm, ratio: manifest.ratio, seed: manifest.seed, digest: manifest.digest, refs: manifest.samples, sources: manifest.sources },
      { path: paths.trainFile, runId: run.runId },
    );
    const parents = [{ id: out.mixId, relation: 'trained on' }, ...(baseId ? [{ id: baseId, relation: 'fine-tuned from' }] : [])];
    if (result.checkpoint && existsSync(result.checkpoint)) {
      out.checkpointId = await lineage.recordPath({ kind: 'checkpoint', path: result.checkpoint, name: result.arm_id, runId: run.runId, parents, meta: { model: result.model } });
    } else {
      // A remote model (TRL adapter served elsewhere) has no local directory: record it by name.
      out.checkpointId = lineage.recordArtifact({ kind: 'checkpoint', digest: result.train?.job_digest ?? result.arm_id, name: result.arm_id, runId: run.runId, parents, meta: { model: result.model } });
    }
    evaluatedId = out.checkpointId;
  }
  out.modelId = baseId;
  const resultId = await lineage.recordPath({
    kind: 'eval_result',
    path: paths.result,
    name: result.arm_id,
    runId: run.runId,
    parents: evaluatedId ? [{ id: evaluatedId, relation: 'evaluated' }] : [],
    meta: { arm: result.arm, ratio: result.ratio ?? 0, seed: result.seed },
  });
  lineage.link(run.runArtifactId, resultId, 'produced');
  return { ...out, resultId };
}
