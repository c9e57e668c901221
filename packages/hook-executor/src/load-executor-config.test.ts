import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhiteboxError } from '@whitebox/core';
import { loadExecutorConfig, parseExecutorConfig, validateExecutorConfig } from './load-executor-config.js';
import { createExecutorJsonSchema } from './executor-json-schema.js';
import { createFixtureProject } from './test-support/fixture-project.js';
import type { FixtureProject } from './test-support/fixture-project.js';

const FILE = '/p/.claude/hook-executor.json';
const hooks = (list: unknown[], extra: Record<string, unknown> = {}) => ({ events: { PreToolUse: { hooks: list, ...extra } } });

function errorOf(value: unknown): WhiteboxError {
  try {
    validateExecutorConfig(value, FILE);
  } catch (error) {
    if (error instanceof WhiteboxError) return error;
    throw error;
  }
  throw new Error('expected validation to fail');
}

describe(validateExecutorConfig, () => {
  it('accepts every documented field', () => {
    const { config, warnings } = validateExecutorConfig(
      {
        $schema: './node_modules/@whitebox/hook-executor/schema/hook-executor.schema.json',
        maxOutputBytes: 4096,
        timings: false,
        server: { host: '127.0.0.1', port: 0, maxBodyBytes: 1024 },
        events: {
          PreToolUse: {
            maxConcurrency: 4,
            deadline: 20,
            shortCircuit: true,
            onError: 'block',
            hooks: [
              { id: 'guard', matcher: 'Bash', command: 'guard.sh', timeout: 5, onTimeout: 'block', env: { A: '1' }, cwd: 'hooks' },
              { id: 'fmt', command: 'node', args: ['fmt.js'], after: ['guard'], receivesOutputs: true },
              { id: 'warm', module: 'hooks/warm.mjs', export: 'check', cpu: true },
            ],
          },
        },
      },
      FILE,
    );
    expect(config.events['PreToolUse']?.hooks.map((hook) => hook.id)).toEqual(['guard', 'fmt', 'warm']);
    expect(warnings).toEqual([]);
  });

  it('names the file and the JSON path of a wrong field, with what was received', () => {
    const error = errorOf(hooks([{ id: 'a', command: 'x', timeout: '5' }]));
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`${FILE}: events.PreToolUse.hooks[0].timeout: expected number, received string "5"`);
  });

  it('rejects unknown keys, so a typo is not silently ignored', () => {
    expect(errorOf(hooks([{ id: 'a', command: 'x', timout: 5 }])).message).toMatch(/events\.PreToolUse\.hooks\[0\].*timout/);
  });

  it('requires exactly one of command and module', () => {
    expect(errorOf(hooks([{ id: 'a' }])).message).toContain('events.PreToolUse.hooks[0].command: set either "command" or "module"');
    expect(errorOf(hooks([{ id: 'a', command: 'x', module: 'm.mjs' }])).message).toContain('set only one of "command" and "module"');
    expect(errorOf(hooks([{ id: 'a', command: 'x', cpu: true }])).message).toContain('"export" and "cpu" apply to "module" hooks only');
  });

  it('rejects duplicate ids, unknown or self dependencies, and cycles, naming the hooks', () => {
    expect(errorOf(hooks([{ id: 'a', command: 'x' }, { id: 'a', command: 'y' }])).message).toBe(
      `${FILE}: events.PreToolUse.hooks[1].id: duplicate id "a" (also hooks[0])`,
    );
    expect(errorOf(hooks([{ id: 'a', command: 'x', after: ['b'] }])).message).toContain(
      'events.PreToolUse.hooks[0].after[0]: no hook with id "b" under PreToolUse',
    );
    expect(errorOf(hooks([{ id: 'a', command: 'x', after: ['a'] }])).message).toContain('cannot run after itself');
    expect(
      errorOf(hooks([{ id: 'a', command: 'x', after: ['c'] }, { id: 'b', command: 'x', after: ['a'] }, { id: 'c', command: 'x', after: ['b'] }]))
        .message,
    ).toContain('"after" forms a cycle: a → c → b → a');
  });

  it('rejects receivesOutputs without after, and a matcher that is not a valid regular expression', () => {
    expect(errorOf(hooks([{ id: 'a', command: 'x', receivesOutputs: true }])).message).toContain('"receivesOutputs" needs "after"');
    expect(errorOf(hooks([{ id: 'a', command: 'x', matcher: 'Bash(' }])).message).toContain('events.PreToolUse.hooks[0].matcher: Invalid hook matcher');
  });

  it('warns about timeouts and deadlines that look like milliseconds', () => {
    const { warnings } = validateExecutorConfig(hooks([{ id: 'slow', command: 'x', timeout: 5000 }], { deadline: 60000 }), FILE);
    expect(warnings).toEqual([
      `${FILE}: events.PreToolUse.deadline: 60000 is in seconds (1000 min); it looks like milliseconds. Did you mean 60?`,
      `${FILE}: events.PreToolUse.hooks[0].timeout: 5000 is in seconds (83 min); it looks like milliseconds. Did you mean 5?`,
    ]);
  });

  it('warns about an event name it does not know and a matcher on an event without matchers', () => {
    const { warnings } = validateExecutorConfig(
      { events: { PretoolUse: { hooks: [] }, UserPromptSubmit: { hooks: [{ id: 'a', command: 'x', matcher: 'Bash' }] } } },
      FILE,
    );
    expect(warnings[0]).toContain('"PretoolUse" is not a hook event this version knows');
    expect(warnings[1]).toContain('UserPromptSubmit has no matcher support');
  });
});

describe(parseExecutorConfig, () => {
  it('names the file when it is not JSON', () => {
    expect(() => parseExecutorConfig('{ nope', FILE)).toThrow(new RegExp(`^${FILE}: not valid JSON`));
  });
});

describe(loadExecutorConfig, () => {
  let project: FixtureProject;
  beforeEach(async () => {
    project = await createFixtureProject();
  });
  afterEach(() => project.cleanup());

  it('loads a file and reports its directory for relative paths', async () => {
    await project.writeConfig(hooks([{ id: 'a', command: 'x' }]));
    const loaded = await loadExecutorConfig(project.configPath);
    expect(loaded.exists).toBe(true);
    expect(loaded.dir).toBe(project.file('.claude'));
  });

  it('treats a missing file as an empty config only when asked to', async () => {
    await expect(loadExecutorConfig(project.configPath)).rejects.toThrow('file not found');
    expect((await loadExecutorConfig(project.configPath, { missingOk: true })).config).toEqual({ events: {} });
  });

  it('rejects a file argument that is not a string', async () => {
    await expect(loadExecutorConfig(42 as unknown as string)).rejects.toThrow('Expected `file` to be a non-empty string, got number 42');
  });
});

describe(createExecutorJsonSchema, () => {
  it('matches the schema file shipped in the package (run scripts/generate-schema.ts after changing the zod schema)', async () => {
    const shipped = JSON.parse(await readFile(new URL('../schema/hook-executor.schema.json', import.meta.url), 'utf8')) as unknown;
    expect(shipped).toEqual(createExecutorJsonSchema());
  });

  it('describes hooks as closed objects with command or module', () => {
    const text = JSON.stringify(createExecutorJsonSchema());
    expect(text).toContain('"oneOf":[{"required":["command"]},{"required":["module"]}]');
    expect(text).toContain('"additionalProperties":false');
  });
});
