import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkTemplateTasks, readTemplateTasks, renderTemplate, templatePlaceholders } from './read-template-tasks.js';
import type { SwarmTask } from './swarm-task.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'swarm-template-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function data(name: string, text: string): Promise<string> {
  const target = path.join(dir, name);
  await writeFile(target, text);
  return target;
}

async function collect(source: Parameters<typeof readTemplateTasks>[0]): Promise<SwarmTask[]> {
  const tasks: SwarmTask[] = [];
  for await (const task of readTemplateTasks(source)) tasks.push(task);
  return tasks;
}

describe(renderTemplate, () => {
  it('fills every placeholder, spaces inside the braces allowed', () => {
    expect(renderTemplate('Review {{file}} for {{ topic }}; {{file}} again', { file: 'a.ts', topic: 'bugs' })).toEqual({
      prompt: 'Review a.ts for bugs; a.ts again',
    });
  });

  it('names the placeholders a row has no value for', () => {
    expect(renderTemplate('{{a}} {{b}} {{c}}', { a: 1, b: null })).toEqual({ missing: ['b', 'c'] });
  });

  it('renders objects as JSON and keeps empty strings', () => {
    expect(renderTemplate('[{{x}}] {{y}}', { x: '', y: { k: 1 } })).toEqual({ prompt: '[] {"k":1}' });
  });
});

describe(templatePlaceholders, () => {
  it('lists each placeholder once, in order', () => {
    expect(templatePlaceholders('{{b}} {{a}} {{b}}')).toEqual(['b', 'a']);
  });
});

describe(checkTemplateTasks, () => {
  it('reports CSV rows that miss a value or repeat an id, with their line numbers', async () => {
    const dataFile = await data('rows.csv', 'id,name,topic\nr1,alpha,x\nr2,beta,\nr1,gamma,z\n');
    const check = await checkTemplateTasks({ template: '{{name}}: {{topic}} {{missing}}', dataFile, model: 'm' });
    expect(check.problems).toEqual([
      { line: 2, message: 'no value for {{missing}}' },
      { line: 3, message: 'no value for {{missing}}' },
      { line: 4, message: 'no value for {{missing}}' },
    ]);
    const ok = await checkTemplateTasks({ template: '{{name}}: {{topic}}', dataFile, model: 'm' });
    expect(ok.problems).toEqual([{ line: 4, message: 'duplicate id "r1" (first on line 2)' }]);
    expect(ok.count).toBe(2);
  });

  it('reports JSONL rows that are not objects or not JSON', async () => {
    const dataFile = await data('rows.jsonl', '{"name":"a"}\n[1]\n{"name":\n');
    const check = await checkTemplateTasks({ template: 'Hi {{name}}', dataFile, model: 'm' });
    expect(check.problems.map((p) => [p.line, p.message.split(':')[0]])).toEqual([
      [2, 'expected a JSON object, got an array'],
      [3, 'not valid JSON'],
    ]);
  });

  it('reports a CSV syntax error at its line', async () => {
    const dataFile = await data('rows.csv', 'name,topic\na,b\n"unclosed,c\n');
    const check = await checkTemplateTasks({ template: '{{name}}', dataFile, model: 'm' });
    expect(check.problems).toHaveLength(1);
    expect(check.problems[0]?.message).toMatch(/^not valid CSV/);
  });

  it('rejects a data file that is neither CSV nor JSONL', async () => {
    await expect(checkTemplateTasks({ template: 'x', dataFile: await data('rows.txt', 'x'), model: 'm' })).rejects.toThrow(
      '--data must be a .csv or .jsonl file, got ".txt"',
    );
  });
});

describe(readTemplateTasks, () => {
  it('yields one task per row, with the id column or row-<n>', async () => {
    const dataFile = await data('rows.csv', 'id,name\nfirst,Ada\n,Grace\n');
    expect(await collect({ template: 'Hello {{name}}', dataFile, model: 'gpt-4o-mini' })).toEqual([
      { id: 'first', prompt: 'Hello Ada', model: 'gpt-4o-mini' },
      { id: 'row-2', prompt: 'Hello Grace', model: 'gpt-4o-mini' },
    ]);
  });

  it('reads JSONL rows and another id column', async () => {
    const dataFile = await data('rows.jsonl', '{"key":7,"name":"x"}\n{"key":8,"name":"y"}\n');
    const tasks = await collect({ template: '{{name}}', dataFile, idColumn: 'key', model: 'm' });
    expect(tasks.map((task) => [task.id, task.prompt])).toEqual([
      ['7', 'x'],
      ['8', 'y'],
    ]);
  });
});
