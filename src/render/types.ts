/** Options every renderer takes. */
export interface RenderOptions {
  format: 'text' | 'json' | 'markdown';
  /** ANSI colour (text only); the CLI resolves TTY, NO_COLOR and FORCE_COLOR. */
  color: boolean;
  /** Quota units per US dollar, for dollar amounts. */
  quotaPerUsd: number;
  /** `drift` heads the output as a drift report. */
  heading?: 'plan' | 'drift';
  /** Every warning, not the first 3 of each kind (`--all-warnings`; docs/commands.md#consolidated-warnings). */
  allWarnings?: boolean;
  /** Only the result: no warnings (`--quiet`). */
  quiet?: boolean;
}
