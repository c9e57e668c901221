import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTaskFile, readTaskFile } from './read-task-file.js';
import { TaskInputError } from './task-input-error.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swarm-tasks-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(lines: readonly string[], name = 'tasks.jsonl'): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, lines.join('\n'));
  return target;
}

describe(checkTaskFile, () => {
  it('counts valid tasks and collects the models they use', async () => {
    const tasks = await file([
      '{"id":"a","prompt":"hi"}',
      '',
      '{"id":2,"messages":[{"role":"user","content":"hello"}],"model":"gpt-4o","persona":"judge"}',
      '{"id":"c","prompt":"x","response_format":{"type":"json_object"},"metadata":{"row":3},"max_tokens":10}',
    ]);
    const check = await checkTaskFile(tasks, { defaultModel: 'gpt-4o-mini' });
    expect(check).toMatchObject({ count: 3, problemCount: 0, problems: [] });
    expect([...check.models].sort()).toEqual(['gpt-4o', 'gpt-4o-mini']);
  });

  it('reports malformed lines, invalid tasks and duplicate ids with their line numbers, in line order', async () => {
    const tasks = await file([
      '{"id":"a","prompt":"one"}',
      '{"id":"b","prompt":',
      '{"id":"c"}',
      '{"id":"a","prompt":"again"}',
      '{"id":"d","prompt":"x","messages":[{"role":"user","content":"y"}]}',
      '{"id":"e","promt":"typo"}',
      '{"id":"f","prompt":"x","response_format":{"type":"yaml"}}',
      '[1,2]',
      '{"id":"g","prompt":"cut off',
    ]);
    const check = await checkTaskFile(tasks, { defaultModel: 'm' });
    expect(check.count).toBe(1);
    expect(check.problems.map((p) => p.line)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
    const byLine = new Map(check.problems.map((p) => [p.line, p.message]));
    expect(byLine.get(2)).toMatch(/^not valid JSON/);
    expect(byLine.get(3)).toContain('a task needs `prompt` or `messages`');
    expect(byLine.get(4)).toBe('duplicate id "a" (first on line 1)');
    expect(byLine.get(5)).toContain('not both');
    expect(byLine.get(6)).toContain('promt');
    expect(byLine.get(7)).toContain('response_format');
    expect(byLine.get(9)).toMatch(/cut off/);
  });

  it('treats numeric and string ids as the same id', async () => {
    const check = await checkTaskFile(await file(['{"id":1,"prompt":"a"}', '{"id":"1","prompt":"b"}']), { defaultModel: 'm' });
    expect(check.problems).toEqual([{ line: 2, message: 'duplicate id "1" (first on line 1)' }]);
  });

  it('reports tasks without a model when there is no default', async () => {
    const check = await checkTaskFile(await file(['{"id":"a","prompt":"x"}', '{"id":"b","prompt":"x","model":"m"}']));
    expect(check.problems).toEqual([{ line: 1, message: 'task "a" has no model; give it "model" or pass --model' }]);
    expect(check.count).toBe(1);
  });

  it('keeps the first 20 problems but counts them all, and the error says how many more', async () => {
    const tasks = await file(Array.from({ length: 30 }, (_, i) => `{"id":"x${i}"}`));
    const check = await checkTaskFile(tasks, { defaultModel: 'm' });
    expect(check.problemCount).toBe(30);
    expect(check.problems).toHaveLength(20);
    const error = new TaskInputError('tasks.jsonl', check.problems, check.problemCount);
    expect(error.message).toMatch(/^tasks\.jsonl: 30 problems; nothing was sent:\n {2}line 1: /);
    expect(error.message).toContain('… and 10 more');
    expect(error.code).toBe('USAGE');
  });

  it('fails with an IO error naming a missing file', async () => {
    await expect(checkTaskFile(path.join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl: no such file/);
  });
});

describe(readTaskFile, () => {
  it('streams the tasks in file order', async () => {
    const tasks = await file(['{"id":"a","prompt":"1"}', '{"id":"b","prompt":"2"}']);
    const ids: string[] = [];
    for await (const task of readTaskFile(tasks)) ids.push(String(task.id));
    expect(ids).toEqual(['a', 'b']);
  });

  it('throws at a line that no longer validates', async () => {
    const tasks = await file(['{"id":"a","prompt":"1"}', '{"id":"b"}']);
    const read = async (): Promise<void> => {
      for await (const _ of readTaskFile(tasks)) void _;
    };
    await expect(read()).rejects.toThrow(/line 2: prompt: a task needs/);
  });
});
