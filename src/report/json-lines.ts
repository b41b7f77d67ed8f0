/**
 * Line numbers of values inside a JSON text, so a schema error can name the line as well as the
 * field. JSON.parse keeps no positions; this scanner walks the (already valid) text once.
 */
export type JsonPath = readonly (string | number)[];

/** Map from a path key (see `pathKey`) to the 1-based line where that value starts. */
export function indexJsonLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  let pos = 0;
  let line = 1;

  const skipSpace = (): void => {
    while (pos < text.length) {
      const ch = text[pos];
      if (ch === '\n') line++;
      else if (ch !== ' ' && ch !== '\t' && ch !== '\r') return;
      pos++;
    }
  };
  const readString = (): string => {
    const start = pos;
    pos++; // opening quote
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos++;
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const value = (path: (string | number)[]): void => {
    skipSpace();
    lines.set(pathKey(path), line);
    const ch = text[pos];
    if (ch === '{') {
      pos++;
      skipSpace();
      if (text[pos] === '}') {
        pos++;
        return;
      }
      for (;;) {
        skipSpace();
        const key = readString();
        skipSpace();
        pos++; // colon
        value([...path, key]);
        skipSpace();
        if (text[pos++] === '}') return;
      }
    }
    if (ch === '[') {
      pos++;
      skipSpace();
      if (text[pos] === ']') {
        pos++;
        return;
      }
      for (let index = 0; ; index++) {
        value([...path, index]);
        skipSpace();
        if (text[pos++] === ']') return;
      }
    }
    if (ch === '"') {
      readString();
      return;
    }
    while (pos < text.length && !/[\s,\]}]/.test(text[pos])) pos++;
  };

  value([]);
  return lines;
}

export function pathKey(path: JsonPath): string {
  return JSON.stringify(path);
}

/** The line of `path`, or of its nearest ancestor present in the text (a missing field). */
export function lineOfPath(lines: Map<string, number>, path: JsonPath): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const found = lines.get(pathKey(path.slice(0, length)));
    if (found !== undefined) return found;
  }
  return undefined;
}
