/**
 * Small arithmetic with digits. A fixed, hash-chosen tenth of all problems never appears in
 * pre-training so the capability suite can test computing, not recall.
 */
import { hashString, type Rng } from '../util/random.js';
import { entryAt } from './table-entry.js';

export type ArithmeticOp = 'add' | 'subtract' | 'multiply';

export interface ArithmeticProblem {
  op: ArithmeticOp;
  a: number;
  b: number;
  result: number;
}

const SYMBOL_WORD: Record<ArithmeticOp, string> = { add: 'plus', subtract: 'minus', multiply: 'times' };

/** Question phrasings per operation; the last one of each is held out of pre-training. */
const PHRASINGS: Record<ArithmeticOp, readonly string[]> = {
  add: ['What is {a} plus {b}?', 'What is {a} + {b}?', 'Add {a} and {b}.', 'How much is {a} plus {b}?'],
  subtract: ['What is {a} minus {b}?', 'What is {a} - {b}?', 'Take {b} from {a}.', 'How much is {a} minus {b}?'],
  multiply: ['What is {a} times {b}?', 'What is {a} * {b}?', 'Multiply {a} by {b}.', 'How much is {a} times {b}?'],
};
export const ARITHMETIC_TRAIN_PHRASINGS = 3;

export function allArithmeticProblems(): ArithmeticProblem[] {
  const problems: ArithmeticProblem[] = [];
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= 20; b++) problems.push({ op: 'add', a, b, result: a + b });
  for (let a = 0; a <= 20; a++) for (let b = 0; b <= a; b++) problems.push({ op: 'subtract', a, b, result: a - b });
  for (let a = 2; a <= 12; a++) for (let b = 2; b <= 12; b++) problems.push({ op: 'multiply', a, b, result: a * b });
  return problems;
}

export function isHeldOutProblem(problem: ArithmeticProblem): boolean {
  return hashString(`${problem.op}:${problem.a}:${problem.b}`) % 10 === 0;
}

export function arithmeticQuestion(problem: ArithmeticProblem, phrasing: number): string {
  const phrasings = PHRASINGS[problem.op];
  const template = entryAt(phrasings, phrasing % phrasings.length, `${problem.op} phrasing`);
  return template.replaceAll('{a}', String(problem.a)).replaceAll('{b}', String(problem.b));
}

export function arithmeticAnswer(result: number): string {
  return `The answer is ${result}.`;
}

export function arithmeticPhrasingCount(op: ArithmeticOp): number {
  return PHRASINGS[op].length;
}

export function describeProblem(problem: ArithmeticProblem): string {
  return `${problem.a} ${SYMBOL_WORD[problem.op]} ${problem.b}`;
}

/** A random training problem with one of the training phrasings. */
export function drawTrainingArithmetic(rng: Rng, pool: readonly ArithmeticProblem[]): { question: string; answer: string; problem: ArithmeticProblem } {
  const problem = rng.pick(pool);
  const question = arithmeticQuestion(problem, rng.int(ARITHMETIC_TRAIN_PHRASINGS));
  return { question, answer: arithmeticAnswer(problem.result), problem };
}

/** Two-step problems: `{a}`, `{b}`, `{c}` small numbers; `compute` gives the exact result. */
export interface MultiStepTemplate {
  id: string;
  question: string;
  compute: (a: number, b: number, c: number) => number;
}

export const MULTI_STEP_TEMPLATES: readonly MultiStepTemplate[] = [
  { id: 'add-then-times', question: 'Add {a} and {b}, then multiply by {c}.', compute: (a, b, c) => (a + b) * c },
  { id: 'times-then-minus', question: 'Multiply {a} by {b}, then take {c} from the result.', compute: (a, b, c) => a * b - c },
  { id: 'coins', question: 'Tom has {a} coins. He gets {b} more and gives away {c}. How many coins does he have now?', compute: (a, b, c) => a + b - c },
  { id: 'boxes', question: 'A box holds {a} apples. How many apples are in {b} boxes and {c} more apples?', compute: (a, b, c) => a * b + c },
];

export interface MultiStepProblem {
  template: MultiStepTemplate;
  a: number;
  b: number;
  c: number;
  result: number;
  question: string;
}

/** A random two-step problem whose result is never negative. */
export function drawMultiStep(rng: Rng): MultiStepProblem {
  const template = rng.pick(MULTI_STEP_TEMPLATES);
  const a = 2 + rng.int(11);
  const b = 2 + rng.int(11);
  const c = 1 + rng.int(Math.min(a + b, 12));
  const question = template.question.replaceAll('{a}', String(a)).replaceAll('{b}', String(b)).replaceAll('{c}', String(c));
  return { template, a, b, c, result: template.compute(a, b, c), question };
}
