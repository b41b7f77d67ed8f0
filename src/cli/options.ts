/**
 * Numeric option parsers shared by the `candor` sub-commands. Each returns a commander argParser
 * (or a plain parse function) that throws an InputError naming the flag, so a bad value exits 2
 * with `field "--flag": must be …, got "…"`.
 */
import { InputError } from '../util/errors.js';

export type NumberParser = (value: string) => number;

/** A parser that accepts `Number(value)` when `accepts` holds, else says it must be `expected`. */
function numericOption(flag: string, accepts: (n: number) => boolean, expected: string): NumberParser {
  return (value: string): number => {
    const n = Number(value);
    if (!accepts(n)) throw new InputError(`must be ${expected}, got "${value}"`, { field: flag });
    return n;
  };
}

/** An integer ≥ 1. */
export function positiveInt(flag: string): NumberParser {
  return numericOption(flag, (n) => Number.isInteger(n) && n >= 1, 'a positive integer');
}

/** An integer ≥ 0. */
export function nonNegativeInt(flag: string): NumberParser {
  return numericOption(flag, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer');
}

/** An integer ≥ `min`. */
export function integerAtLeast(flag: string, min: number): NumberParser {
  return numericOption(flag, (n) => Number.isInteger(n) && n >= min, `an integer ≥ ${min}`);
}

/** Any finite number. */
export function finiteNumber(flag: string): NumberParser {
  return numericOption(flag, Number.isFinite, 'a number');
}

/** A finite number > 0. */
export function positiveNumber(flag: string): NumberParser {
  return numericOption(flag, (n) => Number.isFinite(n) && n > 0, 'a positive number');
}

/** A finite number ≥ 0. */
export function nonNegativeNumber(flag: string): NumberParser {
  return numericOption(flag, (n) => Number.isFinite(n) && n >= 0, 'a non-negative number');
}
