/**
 * Hostile-text checks shared by tests (SPEC §13): what must never reach a terminal raw.
 */
/* eslint-disable no-control-regex */

/**
 * A raw control (C0 but newline, DEL, C1) or bidirectional control character: output may hold
 * newlines of its layout and nothing else of these.
 */
export const RAW_UNSAFE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** The renderer's own colour codes, which are not hostile: `\x1b[32m` … `\x1b[0m`. */
export const ANSI_COLOUR = /\u001b\[\d+m/g;

/** ESC, the start of every terminal escape. */
export const ESC = /\u001b/;
