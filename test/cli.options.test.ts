import { test } from 'node:test';
import assert from 'node:assert/strict';
import { finiteNumber, integerAtLeast, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber } from '../src/cli/options.js';
import { InputError } from '../src/util/errors.js';

function rejection(parse: (value: string) => number, value: string): InputError {
  try {
    parse(value);
  } catch (error) {
    assert.ok(error instanceof InputError);
    return error;
  }
  assert.fail(`"${value}" was accepted`);
}

test('each parser accepts its range and names the flag and the value when it refuses', () => {
  const cases: [(v: string) => number, string[], string[], string][] = [
    [positiveInt('--n'), ['1', '40'], ['0', '1.5', 'x', ''], 'must be a positive integer'],
    [nonNegativeInt('--n'), ['0', '7'], ['-1', '0.5', 'x'], 'must be a non-negative integer'],
    [integerAtLeast('--n', 100), ['100', '4000'], ['99', '100.5', 'x'], 'must be an integer ≥ 100'],
    [finiteNumber('--n'), ['-2.5', '0', '1e3'], ['x', 'Infinity'], 'must be a number'],
    [positiveNumber('--n'), ['3e-4', '2'], ['0', '-1', 'x'], 'must be a positive number'],
    [nonNegativeNumber('--n'), ['0', '0.9'], ['-0.1', 'x'], 'must be a non-negative number'],
  ];
  for (const [parse, good, bad, problem] of cases) {
    for (const value of good) assert.equal(parse(value), Number(value));
    for (const value of bad) {
      const error = rejection(parse, value);
      assert.equal(error.location.field, '--n');
      assert.equal(error.message, `field "--n": ${problem}, got "${value}"`);
    }
  }
});
