/**
 * Estimates the tokens in `text` the way the simulator bills them: one token per 4 characters
 * (code points), rounded up. Real tokenizers average close to this for English prose; the point
 * is a number that is deterministic and in the right range, not an exact count.
 */
export function estimateTokens(text: string): number {
  let length = 0;
  for (const _ of text) length++;
  return Math.ceil(length / 4);
}

/** Per-message overhead, as in OpenAI's own counting guide (role and separators). */
const MESSAGE_OVERHEAD_TOKENS = 3;
/** Every reply is primed with a few tokens. */
const REPLY_PRIMING_TOKENS = 3;

/**
 * Estimates the prompt tokens of a chat request: {@link estimateTokens} of each message's text,
 * plus 3 per message and 3 for the reply priming.
 */
export function estimatePromptTokens(messageTexts: readonly string[]): number {
  let total = REPLY_PRIMING_TOKENS;
  for (const text of messageTexts) total += estimateTokens(text) + MESSAGE_OVERHEAD_TOKENS;
  return total;
}
