import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { writeReport } from '../src/report/write-report.js';
import { ExperimentResults } from '../src/experiments/results-schema.js';
import { syntheticResults } from './report.synthetic.helper.js';
import { findFonts, rasterize, scopeSvgIds } from '../src/report/render.js';
import { defined } from './defined.helper.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const EXPECTED_CHARTS = [
  'mask-honesty-vs-ratio',
  'mask-honesty-in-vs-cross-domain',
  'deception-by-category',
  'capability-by-arm',
  'paper-reference',
  'paper-reference-deception',
];

function pngSize(png: Buffer): { width: number; height: number } {
  // IHDR is the first chunk: width and height are big-endian at bytes 16 and 20.
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

test('a report from several arms and seeds: self-contained HTML, every chart as inline SVG, PNG and SVG files, CSV per arm', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'candor-report-render-'));
  try {
    const results = ExperimentResults.parse(syntheticResults({ seeds: [1, 2, 3] }));
    // Its speed is measured in bench/report-render.ts, not here: a timed assertion fails on a loaded machine.
    const output = await writeReport(results, dir, { replicates: 1000 });

    assert.equal(output.htmlPath, path.join(dir, 'report.html'));
    assert.equal(output.files.at(-1), output.htmlPath);
    const html = await readFile(output.htmlPath, 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    // Self-contained: nothing fetched from elsewhere, no script at all.
    assert.doesNotMatch(html, /\s(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    assert.doesNotMatch(html, /<script|<link\s|@import|url\(\s*["']?https?:/i);
    for (const id of EXPECTED_CHARTS) {
      const figure = new RegExp(`<figure id="chart-${id}">[\\s\\S]*?<svg[\\s\\S]*?</svg>[\\s\\S]*?</figure>`);
      assert.match(html, figure, `chart ${id} is not inlined`);
    }
    assert.equal(html.match(/<svg\b/g)?.length, EXPECTED_CHARTS.length);
    // Ids are unique across the page once each chart's ids are scoped.
    const ids = [...html.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    assert.equal(new Set(ids).size, ids.length, 'duplicate element ids in the page');
    // The page names the paper's numbers as such, and states the method.
    assert.match(html, /different model/);
    assert.match(html, /parametric bootstrap/);

    for (const id of EXPECTED_CHARTS) {
      const png = await readFile(path.join(dir, 'charts', `${id}.png`));
      assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE, `${id}.png signature`);
      assert.ok(png.length > 10_000, `${id}.png is only ${png.length} bytes`);
      const size = pngSize(png);
      assert.ok(size.width > 300 && size.height > 200, `${id}.png is ${size.width}×${size.height}`);
      const svg = await readFile(path.join(dir, 'charts', `${id}.svg`), 'utf8');
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.ok(output.files.includes(path.join(dir, 'charts', `${id}.svg`)));
    }

    const arms = parseCsv(await readFile(path.join(dir, 'data', 'arms.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(arms.length, results.arms.length);
    assert.deepEqual(
      arms.map((row) => `${row.arm}/${row.ratio}/${row.seed}`),
      results.arms.map((a) => `${a.arm}/${a.ratio ?? ''}/${a.seed}`),
    );
    assert.equal(Number(defined(arms[0], 'the first CSV row').mask_honesty_score), defined(results.arms[0], 'the first arm').mask!.honesty_score);

    const aggregates = parseCsv(await readFile(path.join(dir, 'data', 'aggregates.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const overall = aggregates.filter((row) => row.metric === 'mask.honesty_score');
    assert.equal(overall.length, 8); // vanilla, control, six ratios
    assert.deepEqual(overall.map((row) => row.label), ['vanilla', 'control', '1%', '2%', '5%', '10%', '20%', '30%']);

    // Every number of the inputs is in the long CSV: one row per numeric leaf of each arm.
    const numbers = parseCsv(await readFile(path.join(dir, 'data', 'arm-numbers.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    const firstArm = numbers.filter((row) => row.arm === 'vanilla');
    assert.ok(firstArm.some((row) => row.path === 'mask.per_domain.drugs.honesty_score'));
    assert.ok(firstArm.some((row) => row.path === 'deception.per_category.sycophancy.deception_rate'));

    const report = JSON.parse(await readFile(path.join(dir, 'data', 'report.json'), 'utf8'));
    assert.equal(report.arms.length, results.arms.length);
    assert.equal(report.reference.model, 'Llama-3.1-8B');
    assert.ok(report.aggregates.length > 50);

    const summary = await readFile(path.join(dir, 'summary.md'), 'utf8');
    assert.match(summary, /^# Candor report: synthetic-demo/);
    assert.match(summary, /\| arm \| seeds \| MASK honesty/);
    // Lies by direction: control's three seeds each had 30 lies toward the incentive (300 × 0.1).
    assert.match(summary, /\| control \| 90 \| 9 \| 3 \| 88% \|/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a run with only MASK and one ratio renders the charts it can and no others', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'candor-report-partial-'));
  try {
    const input = syntheticResults({ ratios: [0.05], seeds: [1] });
    for (const arm of input.arms) {
      delete (arm as Record<string, unknown>).deception;
      delete (arm as Record<string, unknown>).capability;
      delete (arm.mask as Record<string, unknown>).per_domain;
    }
    input.reference = null;
    const output = await writeReport(ExperimentResults.parse(input), dir, { replicates: 200 });
    const charts = output.files.filter((f) => f.endsWith('.svg')).map((f) => path.basename(f, '.svg'));
    assert.deepEqual(charts, ['mask-honesty-vs-ratio']);
    const html = await readFile(output.htmlPath, 'utf8');
    assert.equal(html.match(/<svg\b/g)?.length, 1);
    assert.match(html, /Fewer than 3 seeds/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('text is drawn into the PNG: a label in the report font leaves dark pixels on white', () => {
  const darkPixels = (svg: string): number => {
    const pixels = rasterize(svg, 1).pixels;
    let dark = 0;
    // RGBA quads: i + 3 is inside the buffer whenever i is.
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i]! < 128 && pixels[i + 3]! > 0) dark++;
    return dark;
  };
  const label = (text: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="40"><rect width="240" height="40" fill="white"/>` +
    `<text x="8" y="28" font-family="sans-serif" font-size="20" fill="black">${text}</text></svg>`;
  assert.equal(darkPixels(label('')), 0);
  // Without a usable font resvg silently draws nothing; a word of 20 px type covers hundreds of pixels.
  assert.ok(
    darkPixels(label('contamination 30%')) > 200,
    `no font drew text (known font files found: ${findFonts().files.length}); install fonts-dejavu-core or chart labels are missing from the PNGs`,
  );
});

test('scopeSvgIds prefixes ids and every reference to them, and leaves the rest alone', () => {
  const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"><use href="#clip1"/><a href="#other"/></g></svg>';
  assert.equal(
    scopeSvgIds(svg, 'c'),
    '<svg><clipPath id="c-clip1"><rect/></clipPath><g clip-path="url(#c-clip1)"><use href="#c-clip1"/><a href="#other"/></g></svg>',
  );
});
