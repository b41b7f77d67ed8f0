/**
 * Text that is safe to print on a terminal: control characters (a binary file's bytes, escape
 * sequences) are shown as \xNN instead of being sent to the terminal, which could act on them.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is this regex's whole job
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

export function printable(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** True when a text line holds bytes no text file has (NUL, or invalid UTF-8 decoded as U+FFFD). */
export function looksBinary(text: string): boolean {
  return text.includes('\u0000') || text.includes('\ufffd');
}
