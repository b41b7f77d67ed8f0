/**
 * Errors about user-supplied input (data files, YAML, flags). The CLI prints the message and
 * exits with code 2; everything else that escapes is a bug (exit 1).
 */
export interface InputLocation {
  file?: string;
  line?: number;
  field?: string;
}

export class InputError extends Error {
  readonly exitCode = 2;
  constructor(
    readonly problem: string,
    readonly location: InputLocation = {},
  ) {
    super(formatInputError(problem, location));
    this.name = 'InputError';
  }
}

export function formatInputError(problem: string, location: InputLocation): string {
  const where: string[] = [];
  if (location.file) where.push(location.file + (location.line !== undefined ? `:${location.line}` : ''));
  else if (location.line !== undefined) where.push(`line ${location.line}`);
  if (location.field) where.push(`field "${location.field}"`);
  return where.length ? `${where.join(', ')}: ${problem}` : problem;
}
