/**
 * Chart rendering without a browser: Vega-Lite compiles the spec to Vega, a headless Vega View
 * (renderer 'none') writes SVG, and resvg rasterises that SVG to PNG with fonts found on disk.
 */
import { existsSync } from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { group } from '../util/regex-group.js';

// resvg draws no text at all without a font, so look for common free fonts by path first (fast,
// deterministic) and let resvg scan the system only when none is at a known place.
const KNOWN_FONT_FILES = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/TTF/DejaVuSans.ttf',
  '/Library/Fonts/Arial.ttf',
  '/System/Library/Fonts/Supplemental/Arial.ttf',
  'C:\\Windows\\Fonts\\arial.ttf',
];

export interface FontSetup {
  files: string[];
  /** False when no known font file exists and resvg must search the system itself. */
  found: boolean;
}

let cachedFonts: FontSetup | undefined;

export function findFonts(): FontSetup {
  if (!cachedFonts) {
    const files = KNOWN_FONT_FILES.filter((file) => existsSync(file));
    cachedFonts = { files, found: files.length > 0 };
  }
  return cachedFonts;
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string, scale = 2): Buffer {
  return rasterize(svg, scale).asPng();
}

/** The rendered image (raw RGBA in `.pixels`), with the report's font setup. */
export function rasterize(svg: string, scale = 2): ReturnType<Resvg['render']> {
  const fonts = findFonts();
  const family = fonts.files.some((f) => /Liberation/i.test(f)) && !fonts.files.some((f) => /DejaVu/i.test(f)) ? 'Liberation Sans' : 'DejaVu Sans';
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    font: {
      fontFiles: fonts.files,
      loadSystemFonts: !fonts.found,
      defaultFontFamily: family,
      sansSerifFamily: family,
    },
  });
  return resvg.render();
}

/**
 * Makes the ids inside one SVG unique within a page (Vega numbers its clip paths from 1 in every
 * chart), so several charts inlined in one HTML file do not clip each other.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  const ids = new Set<string>();
  for (const match of svg.matchAll(/\sid="([^"]+)"/g)) ids.add(group(match, 1));
  if (!ids.size) return svg;
  return svg.replace(/(\sid=")([^"]+)(")|url\(#([^)]+)\)|(href=")#([^"]+)(")/g, (whole, a, id, c, urlId, h, hrefId, h2) => {
    if (id !== undefined) return ids.has(id) ? `${a}${prefix}-${id}${c}` : whole;
    if (urlId !== undefined) return ids.has(urlId) ? `url(#${prefix}-${urlId})` : whole;
    return ids.has(hrefId) ? `${h}#${prefix}-${hrefId}${h2}` : whole;
  });
}
