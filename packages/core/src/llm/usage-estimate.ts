/**
 * A rough token count for `text`: one token per four characters, the rule of thumb OpenAI
 * documents for English. Used only when the provider reported nothing, such as a stream that was
 * cancelled before its `include_usage` chunk arrived, and always marked as estimated.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The shape of a chat message needed to estimate its tokens. */
export interface EstimatableMessage {
  readonly content: string;
}

/**
 * Estimates the usage of a call from its prompt messages and whatever output arrived.
 *
 * @returns Token counts with `estimated: true`.
 */
export function estimateUsage(
  messages: readonly EstimatableMessage[],
  output: string,
): { promptTokens: number; completionTokens: number; totalTokens: number; estimated: true } {
  // About 4 tokens of framing per message (role, separators), as in OpenAI's counting cookbook.
  const promptTokens = messages.reduce((sum, message) => sum + estimateTokens(message.content) + 4, 0);
  const completionTokens = estimateTokens(output);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, estimated: true };
}
