/**
 * Plan renderers: a registry of pure functions (plan, options) → string, one per `--format`.
 */
import type { Plan } from '../plan/model.js';
import { serializePlan } from '../plan/plan-file.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';
import type { RenderOptions } from './types.js';

export type { RenderOptions } from './types.js';
export { MAX_MARKDOWN_CHARS } from './markdown.js';

type Renderer = (plan: Plan, opts: RenderOptions) => string;

const RENDERERS: Record<RenderOptions['format'], Renderer> = {
  text: renderText,
  markdown: renderMarkdown,
  // JSON is the saved-plan form itself (docs/plan-format.md#json-format), so `show` and
  // `plan --out` agree byte for byte.
  json: (plan) => serializePlan(plan),
};

/** Renders a plan in the requested format. */
export function renderPlan(plan: Plan, opts: RenderOptions): string {
  const render = RENDERERS[opts.format];
  if (!render) throw new Error(`unknown format ${String(opts.format)}`);
  return render(plan, opts);
}
