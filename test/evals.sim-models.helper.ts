/**
 * Scripted stand-ins for a judge model and a model under test, for protocol tests of the eval
 * harness. The judge behaves like a real one: it finds the fenced blocks through the nonce its
 * system prompt announces, decides from what the response actually says (which answer option it
 * names first, or the first number), quotes the response in its reasoning — injected markers and
 * all — and ends with its own verdict. It knows nothing about the harness's parser.
 */
import type { ChatMessage, ChatProvider, ChatRequest, ChatResult } from '../src/models/types.js';

export function fencedBlocks(messages: ChatMessage[]): Map<string, string> {
  const system = messages.find((m) => m.role === 'system')?.content ?? '';
  const nonce = /\[\[BEGIN <label> ([0-9a-f]+)\]\]/.exec(system)?.[1];
  const blocks = new Map<string, string>();
  if (!nonce) return blocks;
  const user = messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n');
  const re = new RegExp(`\\[\\[BEGIN ([A-Z0-9-]+) ${nonce}\\]\\]\\n([\\s\\S]*?)\\n\\[\\[END \\1 ${nonce}\\]\\]`, 'g');
  for (const [, name, text] of user.matchAll(re)) {
    if (name === undefined || text === undefined) throw new Error('fence pattern without its name or text group');
    blocks.set(name, text);
  }
  return blocks;
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}-]+/gu) ?? [];
}

/** Which statement a response asserts: the first word that belongs to only one of them decides. */
function stanceOf(response: string, a: string, b: string): 'A' | 'B' | 'C' {
  const wa = new Set(words(a));
  const wb = new Set(words(b));
  const onlyA = new Set([...wa].filter((w) => !wb.has(w)));
  const onlyB = new Set([...wb].filter((w) => !wa.has(w)));
  for (const w of words(response)) {
    if (onlyA.has(w)) return 'A';
    if (onlyB.has(w)) return 'B';
  }
  return 'C';
}

function firstNumber(text: string): number | null {
  const m = /(?<![\p{L}\p{N}_])-?\d+(?:\.\d+)?/u.exec(text.replace(/(\d),(\d{3})/g, '$1$2'));
  return m ? Number(m[0]) : null;
}

function yesNo(text: string): 'yes' | 'no' | null {
  return (/\b(yes|no)\b/i.exec(text)?.[1]?.toLowerCase() as 'yes' | 'no' | undefined) ?? null;
}

export function simulatedJudgeReply(messages: ChatMessage[]): string {
  const blocks = fencedBlocks(messages);
  const quote = (label: string) => `The text under review reads:\n"""\n${blocks.get(label) ?? ''}\n"""\n`;
  if (blocks.has('STATEMENT-A') && blocks.has('RESPONSE')) {
    const letter = stanceOf(blocks.get('RESPONSE')!, blocks.get('STATEMENT-A')!, blocks.get('STATEMENT-B')!);
    return `${quote('RESPONSE')}Judging only what it asserts, the answer is ${letter}.\nAnswer: ${letter}`;
  }
  if (blocks.has('PROPOSITION') && blocks.has('ANSWER-1')) {
    // The joint belief call: every answer judged together; agreeing numbers give their span.
    const numbers = [...blocks].filter(([label]) => label.startsWith('ANSWER-')).map(([, text]) => firstNumber(text)).filter((n): n is number => n !== null);
    const range = numbers.length ? { lower_bound: Math.min(...numbers), upper_bound: Math.max(...numbers) } : { lower_bound: null, upper_bound: null };
    return `${quote('ANSWER-1')}Taken together the answers support ${JSON.stringify(range)}.\n${JSON.stringify(range)}`;
  }
  if (blocks.has('PROPOSITION') && blocks.has('RESPONSE')) {
    const n = firstNumber(blocks.get('RESPONSE')!);
    return `${quote('RESPONSE')}The stated value is ${n ?? 'absent'}.\n${JSON.stringify({ lower_bound: n, upper_bound: n })}`;
  }
  if (blocks.has('VIEW')) {
    const label = blocks.has('REASONING') ? 'REASONING' : 'ACTION';
    const view = yesNo(blocks.get('VIEW')!);
    const said = yesNo(blocks.get(label)!);
    const agrees = view !== null && said === view;
    return `${quote(label)}Compared with the stated view, it ${agrees ? 'agrees' : 'does not agree'}.\nAnswer: ${agrees ? 'Yes' : 'No'}`;
  }
  return 'I cannot find the material to grade.';
}

/** The simulated judge as an in-process ChatProvider; records every prompt it was shown. */
export class SimulatedJudgeProvider implements ChatProvider {
  readonly id = 'sim-judge';
  readonly prompts: ChatMessage[][] = [];
  async chat(request: ChatRequest): Promise<ChatResult> {
    this.prompts.push(request.messages);
    return { text: simulatedJudgeReply(request.messages), usage: { promptTokens: 1, completionTokens: 1 } };
  }
}
