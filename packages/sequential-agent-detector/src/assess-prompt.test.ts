import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixturesDir } from '../test-fixtures/helpers.js';
import { assessPrompt } from './assess-prompt.js';

interface Labelled {
  readonly label: 'multi' | 'single';
  readonly prompt: string;
}

const { prompts } = JSON.parse(readFileSync(path.join(fixturesDir, 'remind-prompts.json'), 'utf8')) as { prompts: Labelled[] };

describe(assessPrompt, () => {
  it('ships a labelled set of at least 60 prompts with both classes well represented', () => {
    expect(prompts.length).toBeGreaterThanOrEqual(60);
    expect(prompts.filter((p) => p.label === 'multi').length).toBeGreaterThanOrEqual(25);
    expect(prompts.filter((p) => p.label === 'single').length).toBeGreaterThanOrEqual(25);
  });

  it('flags at least 80% of the multi-part prompts and at most 10% of the single-task ones', () => {
    const multi = prompts.filter((p) => p.label === 'multi');
    const single = prompts.filter((p) => p.label === 'single');
    const recall = multi.filter((p) => assessPrompt(p.prompt).multiPart).length / multi.length;
    const falsePositiveRate = single.filter((p) => assessPrompt(p.prompt).multiPart).length / single.length;
    expect(recall).toBeGreaterThanOrEqual(0.8);
    expect(falsePositiveRate).toBeLessThanOrEqual(0.1);
  });

  it('explains its score with the signals that fired', () => {
    const assessment = assessPrompt('- migrate the users table\n- add an index on orders.created_at');
    expect(assessment.signals.map((s) => s.name)).toContain('list lines');
    expect(assessment.score).toBe(assessment.signals.reduce((sum, s) => sum + s.weight, 0));
  });

  it('lowers the score for dependent steps', () => {
    const plain = assessPrompt('Investigate the crash and also check the logs');
    const dependent = assessPrompt('Investigate the crash and also check the logs, then fix it');
    expect(dependent.score).toBeLessThan(plain.score);
  });

  it('ignores enumerations inside code blocks', () => {
    expect(assessPrompt('Why does this fail?\n```\n1. a\n2. b\n- c\n- d\n```').multiPart).toBe(false);
  });

  it('moves the bar with the threshold option', () => {
    expect(assessPrompt('Check both failing tests', { threshold: 1 }).multiPart).toBe(true);
    expect(assessPrompt('Check both failing tests').multiPart).toBe(false);
  });

  it('throws a TypeError naming the value when the prompt is not a string', () => {
    expect(() => assessPrompt(42 as unknown as string)).toThrow(new TypeError('Expected `prompt` to be a string, got `42` (number)'));
  });
});
