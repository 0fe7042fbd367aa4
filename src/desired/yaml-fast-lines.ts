/**
 * The line checks of the YAML fast path (yaml-fast.ts): what may stand before, between and after
 * the tokens js-yaml reports, so that every line of a file it reads is one of the plain forms —
 * and a refusal, which sends the file to `yaml`, for anything else.
 */

export const SPACE = 32;
export const NEWLINE = 10;
export const CR = 13;
export const HASH = 35;
export const DASH = 45;
export const COLON = 58;
export const OPEN_BRACKET = 91;
export const CLOSE_BRACKET = 93;
export const COMMA = 44;
export const SINGLE_QUOTE = 39;
export const DOUBLE_QUOTE = 34;

/** Why the file leaves the fast subset; thrown inside the reader, caught by its caller. */
export class Refusal extends Error {}

export function refuse(why: string): never {
  throw new Refusal(why);
}

/** True at a line's end: LF, CR (always before LF here) or the end of the text. */
export function isLineEnd(c: number): boolean {
  return c === NEWLINE || c === CR || Number.isNaN(c);
}

/** Between a key's `:` and its value on the same line: at least one space, nothing else. */
export function checkAfterColon(text: string, colon: number, valueStart: number): void {
  if (valueStart < colon + 2) refuse("a value not on its key's line");
  for (let j = colon + 1; j < valueStart; j++) {
    if (text.charCodeAt(j) !== SPACE) refuse("a value not on its key's line");
  }
}

/** A block sequence item: indentation, `-` at the sequence's column, spaces, the item. */
export function checkDash(text: string, lineStart: number, col: number, itemStart: number): void {
  let j = lineStart;
  while (text.charCodeAt(j) === SPACE) j++;
  if (j - lineStart !== col || text.charCodeAt(j) !== DASH) refuse('an item out of line');
  j += 1;
  if (text.charCodeAt(j) !== SPACE) refuse('an odd item');
  while (text.charCodeAt(j) === SPACE) j++;
  if (j !== itemStart) refuse("an item not on its dash's line");
}

/** Between flow items (or after `[`): spaces, the `,` when one is due, spaces. */
export function checkFlowGap(text: string, from: number, itemStart: number, comma: boolean): void {
  let j = from;
  while (text.charCodeAt(j) === SPACE) j++;
  if (comma) {
    if (text.charCodeAt(j) !== COMMA) refuse('an odd flow sequence');
    j++;
    while (text.charCodeAt(j) === SPACE) j++;
  }
  if (j !== itemStart) refuse('an odd flow sequence');
}

/** From `from` to the line's end: nothing, or spaces then a comment. */
export function checkRestOfLine(text: string, from: number): void {
  let j = from;
  while (text.charCodeAt(j) === SPACE) j++;
  const c = text.charCodeAt(j);
  if (c === HASH) {
    if (j === from) refuse('a comment without a space before it');
    return;
  }
  if (!isLineEnd(c)) refuse('more on a line than one entry');
}

/** Every line is blank, a comment, or a line whose key or item was checked. */
export function checkEveryLine(
  text: string,
  starts: readonly number[],
  verified: Uint8Array,
): void {
  for (let n = 0; n < starts.length; n++) {
    if (verified[n] === 1) continue;
    let j = starts[n] as number;
    while (text.charCodeAt(j) === SPACE) j++;
    const c = text.charCodeAt(j);
    if (!(c === HASH || isLineEnd(c))) refuse(`line ${n + 1} is not a plain entry`);
  }
}
