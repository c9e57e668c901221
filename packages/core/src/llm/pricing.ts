/** The price of one model in US dollars per million tokens. */
export interface ModelPrice {
  /** $ per 1M prompt (input) tokens. */
  readonly input: number;
  /** $ per 1M completion (output) tokens. */
  readonly output: number;
}

/**
 * Prices by model name. A key matches a model exactly or as its longest prefix, so
 * `gpt-4o-mini` also prices `gpt-4o-mini-2024-07-18`.
 */
export type PriceTable = Readonly<Record<string, ModelPrice>>;

/**
 * List prices of common OpenAI models (standard tier, $ per 1M tokens, as published in 2025).
 * Prices change: override them with `llm.prices` in `.claude/whitebox.json`. Models not listed
 * (local ones on Ollama, vLLM, LM Studio) get an unknown cost, not a zero one; price them at 0 in the config.
 */
export const DEFAULT_PRICES: PriceTable = {
  'gpt-5': { input: 1.25, output: 10 },
  'gpt-5-mini': { input: 0.25, output: 2 },
  'gpt-5-nano': { input: 0.05, output: 0.4 },
  'gpt-4.1': { input: 2, output: 8 },
  'gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'gpt-4o': { input: 2.5, output: 10 },
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  o3: { input: 2, output: 8 },
  'o3-mini': { input: 1.1, output: 4.4 },
  'o4-mini': { input: 1.1, output: 4.4 },
};

/**
 * Finds the price of `model`: an exact key first, then the longest key that `model` starts with.
 *
 * @returns The price, or `undefined` for a model the table does not know (cost is then unknown, not zero).
 */
export function priceFor(model: string, table: PriceTable = DEFAULT_PRICES): ModelPrice | undefined {
  const exact = table[model];
  if (exact) return exact;
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if (model.startsWith(key) && (best === undefined || key.length > best.length)) best = key;
  }
  return best === undefined ? undefined : table[best];
}

/** Token counts of one call, as the provider reported them or as estimated. */
export interface TokenCounts {
  /** Prompt (input) tokens. */
  readonly promptTokens: number;
  /** Completion (output) tokens. */
  readonly completionTokens: number;
}

/**
 * The cost of `usage` at `price`, in US dollars.
 *
 * @returns Dollars, or `undefined` when the price is unknown.
 */
export function costOf(usage: TokenCounts, price: ModelPrice | undefined): number | undefined {
  if (!price) return undefined;
  return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}
