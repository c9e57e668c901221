/** Share of a question's significant words that must appear in one answer for it to count as seen. */
export const SEEN_WORD_SHARE = 0.8;

// Words of four letters or more carry the meaning; shorter ones ("the", "is", "of") match anything,
// and so do the question and filler words below, which every question has and no answer needs.
const MIN_WORD_LENGTH = 4;
const FILLER = new Set(
  'what which when where whom whose does will would should could have that this there these those with from about into been being they them then than also very much more most some such only just each other your'.split(' '),
);

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

function significantWords(text: string): Set<string> {
  return new Set(normalise(text).split(' ').filter((word) => word.length >= MIN_WORD_LENGTH && !FILLER.has(word)));
}

/**
 * Picks the arbiter's open questions that no persona saw. In restart mode the speculative round
 * was asked with round N's raw answers only, so a question counts as seen when one of those
 * answers already raised it: the question appears in the answer verbatim (ignoring case,
 * whitespace and punctuation), or at least {@link SEEN_WORD_SHARE} of its significant words (four
 * letters or more, question and filler words such as "what" or "should" left out) appear in that
 * one answer. Anything else is new to the personas, and the round is asked
 * again with the synthesis.
 *
 * @param questions - The synthesis's `open_questions`.
 * @param answers - The texts the personas saw: each round-N answer's summary, reasons and risks.
 * @returns The unseen questions, in the arbiter's order.
 */
export function findUnseenOpenQuestions(questions: readonly string[], answers: readonly string[]): string[] {
  if (!Array.isArray(questions)) {
    throw new TypeError(`Expected \`questions\` to be an array of strings, got \`${String(questions)}\` (${typeof questions})`);
  }
  if (!Array.isArray(answers)) {
    throw new TypeError(`Expected \`answers\` to be an array of strings, got \`${String(answers)}\` (${typeof answers})`);
  }
  const seen = answers.map((answer) => ({ text: ` ${normalise(answer)} `, words: significantWords(answer) }));
  return questions.filter((question) => {
    const text = normalise(question);
    if (text === '') return false;
    const words = [...significantWords(question)];
    return !seen.some((answer) => {
      if (answer.text.includes(` ${text} `)) return true;
      if (words.length === 0) return false;
      const found = words.filter((word) => answer.words.has(word)).length;
      return found / words.length >= SEEN_WORD_SHARE;
    });
  });
}
