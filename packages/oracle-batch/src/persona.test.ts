import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError, WhiteboxError } from '@whitebox/core';
import { BUILTIN_PERSONAS } from './builtin-personas.js';
import { buildSystemPrompt, loadPersonas, parsePersonaFile, selectPersonas } from './persona.js';

let cwd: string;

beforeEach(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'oracle-personas-'));
});

afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function writePersona(name: string, text: string): Promise<string> {
  const dir = path.join(cwd, '.claude', 'personas');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe(parsePersonaFile, () => {
  it('reads the front matter and takes the body as the system prompt', () => {
    const persona = parsePersonaFile('---\nname: dba\ndescription: Database reviewer\nmodel: gpt-4.1-mini\ntemperature: 0.2\n---\n\nYou are a DBA.\n', 'p/dba.md');
    expect(persona).toEqual({ name: 'dba', description: 'Database reviewer', systemPrompt: 'You are a DBA.', model: 'gpt-4.1-mini', temperature: 0.2, source: 'p/dba.md' });
  });

  it('takes the name from the file when the front matter has none', () => {
    expect(parsePersonaFile('---\ndescription: d\n---\nprompt', 'dir/ops-lead.md')).toMatchObject({ name: 'ops-lead', model: undefined, temperature: undefined });
  });

  it.each([
    ['---\ndescription: d\ntemperature: hot\n---\nprompt', /x\.md: temperature: .*number.*, got "hot"/],
    ['---\ndescription: d\ntemperature: 3\n---\nprompt', /x\.md: temperature: .*<=2.*, got 3/],
    ['---\nname: d\n---\nprompt', /x\.md: description: /],
    ['---\ndescription: ""\n---\nprompt', /x\.md: description: must not be empty/],
    ['---\nname: two words\ndescription: d\n---\nprompt', /x\.md: name: must be letters, digits/],
    ['---\ndescription: d\ncolour: red\n---\nprompt', /x\.md: front matter: .*colour/],
    ['---\ndescription: d\n---\n\n', /x\.md: the body \(the system prompt\) is empty/],
    ['---\ndescription: [unclosed\n---\nprompt', /x\.md: cannot read the front matter/],
  ])('rejects %j naming the file and the field', (text, message) => {
    const error = (() => {
      try {
        return parsePersonaFile(text, 'dir/x.md');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(WhiteboxError);
    expect(error).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((error as Error).message).toMatch(message);
  });

  it('refuses JavaScript front matter instead of running it', () => {
    const marker = '__oracle_persona_ran__';
    expect(() => parsePersonaFile(`---js\n{ description: (globalThis.${marker} = 'yes') }\n---\nprompt`, 'dir/evil.md')).toThrow(
      /evil\.md: cannot read the front matter: JavaScript front matter is not allowed/,
    );
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });
});

describe(loadPersonas, () => {
  it('returns the built-ins when there is no .claude/personas directory', async () => {
    const personas = await loadPersonas({ cwd });
    expect([...personas.keys()]).toEqual(BUILTIN_PERSONAS.map((persona) => persona.name));
    expect([...personas.keys()]).toEqual(expect.arrayContaining(['judge', 'critic', 'skeptic', 'security', 'pragmatist']));
  });

  it('adds user personas and lets a file replace a built-in', async () => {
    const dba = await writePersona('dba.md', '---\ndescription: Database reviewer\n---\nYou are a DBA.');
    const judge = await writePersona('judge.md', '---\ndescription: Our judge\n---\nYou judge harshly.');
    await writePersona('notes.txt', 'not a persona');
    const personas = await loadPersonas({ cwd });
    expect(personas.get('dba')).toMatchObject({ source: dba, systemPrompt: 'You are a DBA.' });
    expect(personas.get('judge')).toMatchObject({ source: judge, description: 'Our judge' });
    expect(personas.size).toBe(BUILTIN_PERSONAS.length + 1);
  });

  it('fails on an invalid file, naming it', async () => {
    const file = await writePersona('broken.md', '---\ndescription: d\ntemperature: -1\n---\nprompt');
    await expect(loadPersonas({ cwd })).rejects.toThrow(`${file}: temperature:`);
  });

  it('fails when two files define the same name', async () => {
    const first = await writePersona('a.md', '---\nname: same\ndescription: d\n---\nprompt');
    const second = await writePersona('b.md', '---\nname: same\ndescription: d\n---\nprompt');
    await expect(loadPersonas({ cwd })).rejects.toThrow(`${second}: name: "same" is already defined by ${first}`);
  });
});

describe(selectPersonas, () => {
  it('picks personas in the order given, once each', async () => {
    const available = await loadPersonas({ cwd });
    expect(selectPersonas(['skeptic', 'judge', 'skeptic'], available).map((persona) => persona.name)).toEqual(['skeptic', 'judge']);
  });

  it('rejects an unknown name with a usage error listing the known ones', async () => {
    const available = await loadPersonas({ cwd });
    const error = (() => {
      try {
        return selectPersonas(['judge', 'jugde'], available);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toMatch(/^unknown persona "jugde"; available: judge, critic, skeptic, security, pragmatist/);
  });
});

describe(buildSystemPrompt, () => {
  it('appends the verdict format to the persona prompt', () => {
    const prompt = buildSystemPrompt({ name: 'x', description: 'd', systemPrompt: 'You are X.', model: undefined, temperature: undefined, source: 'built-in' });
    expect(prompt.startsWith('You are X.\n\n')).toBe(true);
    expect(prompt).toContain('"verdict": "approve" | "revise" | "reject"');
  });
});
