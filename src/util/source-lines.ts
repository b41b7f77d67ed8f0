/**
 * Line numbers of fields inside JSON or YAML text, so a schema error can name the line as well as
 * the field. JSON.parse keeps no positions, so the text is read again by the `yaml` parser (JSON is
 * YAML 1.2), whose nodes carry their source range. Only done on the error path: the happy path
 * never pays for a second parse.
 */
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';

/** A document parsed with its positions; build once, ask for many paths. */
export interface PositionedDocument {
  doc: Document;
  lineCounter: LineCounter;
}

export function parseWithPositions(text: string): PositionedDocument {
  const lineCounter = new LineCounter();
  // Errors (there are none in text JSON.parse accepted) still leave a usable tree.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false });
  return { doc, lineCounter };
}

/**
 * The 1-based line where the value at `path` starts, or where its nearest ancestor present in the
 * text starts (a missing field is reported at its parent); undefined when not even the root exists.
 */
export function lineOfPath({ doc, lineCounter }: PositionedDocument, path: readonly PropertyKey[]): number | undefined {
  const keys = path.filter((part): part is string | number => typeof part !== 'symbol');
  for (let depth = keys.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(keys.slice(0, depth), true);
    if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
  }
  return undefined;
}
