import { describe, expect, it } from 'vitest';
import { findUnseenOpenQuestions } from './find-unseen-open-questions.js';

describe(findUnseenOpenQuestions, () => {
  const answers = ['Needs a rollback plan for the queue\nThe migration is untested', 'Cost of running Redis in production'];

  it('counts a question as seen when its significant words are in one answer', () => {
    expect(findUnseenOpenQuestions(['What is the rollback plan for the queue?'], answers)).toEqual([]);
  });

  it('counts a verbatim question as seen, ignoring case and punctuation', () => {
    expect(findUnseenOpenQuestions(['the MIGRATION is untested!'], answers)).toEqual([]);
  });

  it('returns questions whose words are not in any single answer, in order', () => {
    const questions = ['Who owns the on-call rota?', 'What does Redis cost in production?', 'Is the queue migration tested under rollback?'];
    // The last shares only 3 of its 5 significant words with the first answer ("tested" is not "untested").
    expect(findUnseenOpenQuestions(questions, answers)).toEqual(['Who owns the on-call rota?', 'Is the queue migration tested under rollback?']);
    // Spread over two lines of one answer still counts.
    expect(findUnseenOpenQuestions(['Untested queue migration without a rollback plan?'], answers)).toEqual([]);
  });

  it('does not add up words from different answers', () => {
    expect(findUnseenOpenQuestions(['Rollback of Redis in production?'], answers)).toEqual(['Rollback of Redis in production?']);
  });

  it('treats a question of short words only as seen only when verbatim', () => {
    expect(findUnseenOpenQuestions(['Is it ok?'], ['is it ok? yes'])).toEqual([]);
    expect(findUnseenOpenQuestions(['Is it ok?'], ['it is ok'])).toEqual(['Is it ok?']);
  });

  it('ignores empty questions and sees nothing without answers', () => {
    expect(findUnseenOpenQuestions(['', '  ?? '], [])).toEqual([]);
    expect(findUnseenOpenQuestions(['What is the rollback plan?'], [])).toEqual(['What is the rollback plan?']);
  });

  it('throws a TypeError for non-arrays', () => {
    expect(() => findUnseenOpenQuestions('q' as unknown as string[], [])).toThrow(/`questions` to be an array of strings, got `q` \(string\)/);
    expect(() => findUnseenOpenQuestions([], null as unknown as string[])).toThrow(/`answers` to be an array of strings, got `null` \(object\)/);
  });
});
