/**
 * The emulator's model catalogue, served by the public `GET /api/models` and used by generated
 * keys' `model_limits`, so clients can check model ids against it.
 */

/** Model ids the emulator knows. */
export const MODEL_CATALOGUE: readonly string[] = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-5',
  'o3-mini',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-opus-4-1',
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'deepseek-chat',
  'deepseek-reasoner',
  'qwen-max',
  'text-embedding-3-small',
];

const OWNERS: Record<string, string> = {
  gpt: 'openai',
  o3: 'openai',
  text: 'openai',
  claude: 'anthropic',
  gemini: 'google',
  deepseek: 'deepseek',
  qwen: 'alibaba',
};

/** The `data` of `GET /api/models`. */
export function listModels(): Array<{ id: string; object: 'model'; owned_by: string }> {
  return MODEL_CATALOGUE.map((id) => ({
    id,
    object: 'model',
    owned_by: OWNERS[id.split('-')[0] ?? ''] ?? 'custom',
  }));
}
