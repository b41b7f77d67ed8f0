/**
 * How Candor names a place inside structured input in an error message: dotted keys with bracketed
 * indices, as people write it (`messages[1].role`, `arms.ratios[2]`). Used for zod issue paths
 * from JSON, JSONL and YAML alike, so every error names fields one way.
 */

/** `whole` names the path that points at the value itself (empty by default: no field named). */
export function formatFieldPath(path: readonly PropertyKey[], whole = ''): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || whole;
}
