/** Options every renderer takes. */
export interface RenderOptions {
  format: 'text' | 'json' | 'markdown';
  /** ANSI colour (text only); the CLI resolves TTY, NO_COLOR and FORCE_COLOR. */
  color: boolean;
  /** Quota units per US dollar, for dollar amounts. */
  quotaPerUsd: number;
  /** `drift` heads the output as a drift report. */
  heading?: 'plan' | 'drift';
}
