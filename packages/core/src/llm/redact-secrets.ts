const REDACTED = '[redacted]';

// Shapes of keys that may reach us from a provider's error message or a stack:
// OpenAI-style `sk-…`, and whatever follows `Bearer` in an echoed Authorization header.
const KEY_PATTERNS = [/\bsk-[A-Za-z0-9_*-]{6,}/g, /\b(Bearer\s+)[^\s"',]+/gi];

/**
 * Removes API keys from text meant for a person: every occurrence of the given `secrets` and
 * anything shaped like an OpenAI key or a bearer token.
 *
 * @param secrets - Known keys to scrub; empty and very short values are ignored so they cannot
 *   blank out ordinary words.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = text;
  for (const secret of secrets) {
    if (secret !== undefined && secret.length >= 8) result = result.split(secret).join(REDACTED);
  }
  for (const pattern of KEY_PATTERNS) {
    result = result.replace(pattern, (_match, prefix: unknown) => (typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED));
  }
  return result;
}
