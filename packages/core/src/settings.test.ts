import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WhiteboxError } from './errors.js';
import { dedupeHookHandlers, findSettingsFiles, loadHookHandlers, selectHookHandlers } from './settings.js';
import type { HookHandlerEntry, SettingsLocationOptions } from './settings.js';

let root: string;
let home: string;
let project: string;
let managedPath: string;
let options: SettingsLocationOptions;

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'whitebox-settings-'));
  home = path.join(root, 'home');
  project = path.join(root, 'project');
  managedPath = path.join(root, 'etc', 'managed-settings.json');
  await mkdir(path.join(home, '.claude'), { recursive: true });
  await mkdir(path.join(project, '.claude'), { recursive: true });
  await mkdir(path.dirname(managedPath), { recursive: true });
  options = { cwd: project, home, managedSettingsPath: managedPath, env: {} };
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const userFile = () => path.join(home, '.claude', 'settings.json');
const projectFile = () => path.join(project, '.claude', 'settings.json');
const localFile = () => path.join(project, '.claude', 'settings.local.json');

async function write(file: string, content: unknown): Promise<void> {
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
}

function command(cmd: string, extra: object = {}) {
  return { type: 'command', command: cmd, ...extra };
}

function hooksOf(event: string, groups: unknown[]) {
  return { hooks: { [event]: groups } };
}

async function loadError(): Promise<WhiteboxError> {
  const error: unknown = await loadHookHandlers(options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(WhiteboxError);
  return error as WhiteboxError;
}

describe(findSettingsFiles, () => {
  it('lists user, project, local and managed in configuration order and says which exist', async () => {
    await write(projectFile(), {});
    await write(managedPath, {});
    expect(await findSettingsFiles(options)).toStrictEqual([
      { path: userFile(), scope: 'user', exists: false },
      { path: projectFile(), scope: 'project', exists: true },
      { path: localFile(), scope: 'local', exists: false },
      { path: managedPath, scope: 'managed', exists: true },
    ]);
  });

  it('takes the project from CLAUDE_PROJECT_DIR and the user directory from CLAUDE_CONFIG_DIR', async () => {
    const configDir = path.join(root, 'config');
    const files = await findSettingsFiles({ env: { CLAUDE_PROJECT_DIR: project, CLAUDE_CONFIG_DIR: configDir }, managedSettingsPath: null });
    expect(files.map((f) => f.path)).toStrictEqual([
      path.join(configDir, 'settings.json'),
      projectFile(),
      localFile(),
    ]);
  });

  it('does not walk up from a subdirectory, as Claude Code does not', async () => {
    await write(projectFile(), hooksOf('Stop', [{ hooks: [command('x')] }]));
    const sub = path.join(project, 'packages', 'app');
    await mkdir(sub, { recursive: true });
    const files = await findSettingsFiles({ ...options, cwd: sub });
    expect(files[1]).toStrictEqual({ path: path.join(sub, '.claude', 'settings.json'), scope: 'project', exists: false });
  });

  it('lists the user file once when Claude Code runs in the home directory', async () => {
    const files = await findSettingsFiles({ ...options, cwd: home });
    expect(files.map((f) => f.scope)).toStrictEqual(['user', 'local', 'managed']);
  });

  it.each([
    [{ cwd: 5 }, 'Expected options.cwd to be a non-empty string, got number 5'],
    [{ home: '' }, 'Expected options.home to be a non-empty string, got string ""'],
    [{ managedSettingsPath: 3 }, 'Expected options.managedSettingsPath to be a non-empty string or null, got number 3'],
  ])('rejects bad options %j', async (bad, message) => {
    await expect(findSettingsFiles(bad as unknown as SettingsLocationOptions)).rejects.toThrow(new TypeError(message));
  });
});

describe(loadHookHandlers, () => {
  it('merges the handlers of every file in configuration order, with source and location', async () => {
    await write(userFile(), hooksOf('PreToolUse', [{ matcher: 'Bash', hooks: [command('user-hook', { timeout: 5 })] }]));
    await write(projectFile(), {
      permissions: { allow: [] },
      hooks: {
        PreToolUse: [{ matcher: 'Agent|Task', hooks: [command('detect', { args: ['--fast'] }), { type: 'http', url: 'http://127.0.0.1:9/h' }] }],
        Stop: [{ hooks: [{ type: 'prompt', prompt: 'Done?' }] }],
      },
    });
    await write(localFile(), hooksOf('PreToolUse', [{ matcher: '', hooks: [command('local-hook')] }]));
    await write(managedPath, hooksOf('SessionStart', [{ matcher: 'startup', hooks: [{ type: 'mcp_tool', server: 's', tool: 't' }] }]));

    const { handlers, files, disabledBy } = await loadHookHandlers(options);
    expect(disabledBy).toBeUndefined();
    expect(files.every((f) => f.exists)).toBe(true);
    expect(handlers).toStrictEqual([
      { event: 'PreToolUse', matcher: 'Bash', handler: command('user-hook', { timeout: 5 }), source: { path: userFile(), scope: 'user' }, location: 'hooks.PreToolUse[0].hooks[0]' },
      { event: 'PreToolUse', matcher: 'Agent|Task', handler: command('detect', { args: ['--fast'] }), source: { path: projectFile(), scope: 'project' }, location: 'hooks.PreToolUse[0].hooks[0]' },
      { event: 'PreToolUse', matcher: 'Agent|Task', handler: { type: 'http', url: 'http://127.0.0.1:9/h' }, source: { path: projectFile(), scope: 'project' }, location: 'hooks.PreToolUse[0].hooks[1]' },
      { event: 'Stop', handler: { type: 'prompt', prompt: 'Done?' }, source: { path: projectFile(), scope: 'project' }, location: 'hooks.Stop[0].hooks[0]' },
      { event: 'PreToolUse', matcher: '', handler: command('local-hook'), source: { path: localFile(), scope: 'local' }, location: 'hooks.PreToolUse[0].hooks[0]' },
      { event: 'SessionStart', matcher: 'startup', handler: { type: 'mcp_tool', server: 's', tool: 't' }, source: { path: managedPath, scope: 'managed' }, location: 'hooks.SessionStart[0].hooks[0]' },
    ]);
  });

  it('is fine with no settings files at all', async () => {
    const loaded = await loadHookHandlers(options);
    expect(loaded.handlers).toStrictEqual([]);
    expect(loaded.files.map((f) => f.exists)).toStrictEqual([false, false, false, false]);
  });

  it('reads an empty file, a BOM and a file without hooks as no handlers', async () => {
    await write(userFile(), '');
    await write(projectFile(), '\uFEFF{"model": "x"}');
    expect((await loadHookHandlers(options)).handlers).toStrictEqual([]);
  });

  it('keeps unknown events, handler types and fields', async () => {
    const handler = { type: 'future', whatever: [1], statusMessage: 'hi' };
    await write(projectFile(), hooksOf('FutureEvent', [{ matcher: 'x', hooks: [handler, command('c', { shell: 'bash', futureFlag: true })] }]));
    const { handlers } = await loadHookHandlers(options);
    expect(handlers.map((h) => [h.event, h.handler])).toStrictEqual([
      ['FutureEvent', handler],
      ['FutureEvent', command('c', { shell: 'bash', futureFlag: true })],
    ]);
  });

  it('names the file when it is not JSON', async () => {
    await write(localFile(), '{"hooks": {');
    const error = await loadError();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toMatch(new RegExp(`^${escape(localFile())}: not valid JSON \\(`));
  });

  it.each([
    ['[]', 'expected a JSON object at the top level, received an array of 0'],
    ['{"hooks": []}', 'hooks: expected an object of event names, received an array of 0'],
    ['{"hooks": {"PreToolUse": {"Bash": "echo"}}}', 'hooks.PreToolUse: expected an array of matcher groups, received an object'],
    ['{"hooks": {"PreToolUse": ["Bash"]}}', 'hooks.PreToolUse[0]: expected a matcher group object, received string "Bash"'],
    ['{"hooks": {"PreToolUse": [{"matcher": "Bash"}]}}', 'hooks.PreToolUse[0].hooks: expected array, received nothing (the field is missing)'],
    ['{"hooks": {"PreToolUse": [{"matcher": 5, "hooks": []}]}}', 'hooks.PreToolUse[0].matcher: expected string, received number 5'],
    ['{"hooks": {"PreToolUse": [{"hooks": [{"type": "command", "command": "a"}, {"type": "command", "command": 42}]}]}}', 'hooks.PreToolUse[0].hooks[1].command: expected string, received number 42'],
    ['{"hooks": {"Stop": [{"hooks": [{"type": "command"}]}]}}', 'hooks.Stop[0].hooks[0].command: expected string, received nothing (the field is missing)'],
    ['{"hooks": {"Stop": [{"hooks": [{"command": "a"}]}]}}', 'hooks.Stop[0].hooks[0].type: expected string, received nothing (the field is missing)'],
    ['{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "a", "timeout": "10"}]}]}}', 'hooks.Stop[0].hooks[0].timeout: expected number, received string "10"'],
    ['{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "a", "args": ["x", 1]}]}]}}', 'hooks.Stop[0].hooks[0].args[1]: expected string, received number 1'],
    ['{"hooks": {"Stop": [{"hooks": [{"type": "http"}]}]}}', 'hooks.Stop[0].hooks[0].url: expected string, received nothing (the field is missing)'],
    ['{"hooks": {"Stop": [{"hooks": [{"type": "mcp_tool", "server": "s"}]}]}}', 'hooks.Stop[0].hooks[0].tool: expected string, received nothing (the field is missing)'],
    ['{"hooks": {"Stop": [{"hooks": [null]}]}}', 'hooks.Stop[0].hooks[0]: expected a hook handler object, received null'],
    ['{"hooks": {"my event": [{"hooks": [{"type": "prompt"}]}]}}', 'hooks["my event"][0].hooks[0].prompt: expected string, received nothing (the field is missing)'],
    ['{"disableAllHooks": "yes"}', 'disableAllHooks: expected boolean, received string "yes"'],
  ])('names the file and JSON path for %s', async (content, message) => {
    await write(projectFile(), content);
    const error = await loadError();
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.message).toBe(`${projectFile()}: ${message}`);
  });

  it('reports a settings path that cannot be read', async () => {
    await mkdir(userFile());
    const error = await loadError();
    expect(error.code).toBe('IO');
    expect(error.message).toContain(`Cannot read Claude Code settings file ${userFile()}`);
  });

  describe('disabling hooks', () => {
    beforeEach(async () => {
      await write(userFile(), hooksOf('Stop', [{ hooks: [command('user')] }]));
      await write(projectFile(), hooksOf('Stop', [{ hooks: [command('project')] }]));
      await write(managedPath, hooksOf('Stop', [{ hooks: [command('managed')] }]));
    });

    const commands = async () => (await loadHookHandlers(options)).handlers.map((h) => h.handler.command);

    it('disableAllHooks outside managed settings keeps managed hooks', async () => {
      await write(localFile(), { disableAllHooks: true });
      const loaded = await loadHookHandlers(options);
      expect(loaded.handlers.map((h) => h.handler.command)).toStrictEqual(['managed']);
      expect(loaded.disabledBy).toStrictEqual({ setting: 'disableAllHooks', path: localFile(), scope: 'local' });
    });

    it('follows precedence: local false overrides project true', async () => {
      await write(projectFile(), { disableAllHooks: true, ...hooksOf('Stop', [{ hooks: [command('project')] }]) });
      await write(localFile(), { disableAllHooks: false });
      expect(await commands()).toStrictEqual(['user', 'project', 'managed']);
    });

    it('follows precedence: project true overrides user false', async () => {
      await write(userFile(), { disableAllHooks: false, ...hooksOf('Stop', [{ hooks: [command('user')] }]) });
      await write(projectFile(), { disableAllHooks: true });
      expect(await commands()).toStrictEqual(['managed']);
    });

    it('disableAllHooks in managed settings disables everything', async () => {
      await write(managedPath, { disableAllHooks: true, ...hooksOf('Stop', [{ hooks: [command('managed')] }]) });
      const loaded = await loadHookHandlers(options);
      expect(loaded.handlers).toStrictEqual([]);
      expect(loaded.disabledBy?.scope).toBe('managed');
    });

    it('allowManagedHooksOnly keeps only managed hooks', async () => {
      await write(managedPath, { allowManagedHooksOnly: true, ...hooksOf('Stop', [{ hooks: [command('managed')] }]) });
      const loaded = await loadHookHandlers(options);
      expect(loaded.handlers.map((h) => h.handler.command)).toStrictEqual(['managed']);
      expect(loaded.disabledBy?.setting).toBe('allowManagedHooksOnly');
    });

    it('allowManagedHooksOnly means nothing outside managed settings', async () => {
      await write(localFile(), { allowManagedHooksOnly: true });
      expect(await commands()).toStrictEqual(['user', 'project', 'managed']);
    });
  });
});

function entry(event: string, handler: HookHandlerEntry['handler'], scope: 'user' | 'project' = 'user', matcher?: string): HookHandlerEntry {
  return {
    event,
    ...(matcher !== undefined && { matcher }),
    handler,
    source: { path: `/${scope}/settings.json`, scope },
    location: 'hooks.X[0].hooks[0]',
  };
}

describe(dedupeHookHandlers, () => {
  it('runs the same command from two files once, at its first position with its last definition', () => {
    const first = entry('Stop', command('lint', { timeout: 5 }), 'user');
    const other = entry('Stop', command('other'), 'user');
    const again = entry('Stop', command('lint', { timeout: 9 }), 'project');
    expect(dedupeHookHandlers([first, other, again])).toStrictEqual([again, other]);
  });

  it.each([
    [command('a', { args: ['1'] }), command('a', { args: ['2'] }), 2],
    [command('a'), command('a', { args: [] }), 2],
    [{ type: 'http', url: 'http://h/1', timeout: 1 }, { type: 'http', url: 'http://h/1' }, 1],
    [{ type: 'http', url: 'http://h/1' }, { type: 'http', url: 'http://h/2' }, 2],
    [{ type: 'mcp_tool', server: 's', tool: 't' }, { type: 'mcp_tool', server: 's', tool: 't' }, 1],
    [{ type: 'prompt', prompt: 'p' }, { type: 'agent', prompt: 'p' }, 2],
    [{ type: 'future' }, { type: 'future' }, 2],
  ])('keeps %j and %j as %i handler(s)', (a, b, count) => {
    expect(dedupeHookHandlers([entry('Stop', a), entry('Stop', b, 'project')])).toHaveLength(count);
  });
});

describe(selectHookHandlers, () => {
  const input = { hook_event_name: 'PreToolUse', tool_name: 'Agent' };

  it('keeps the handlers for the event whose matcher matches, deduplicated', () => {
    const handlers = [
      entry('PreToolUse', command('spawn-check'), 'user', 'Task'),
      entry('PreToolUse', command('bash-only'), 'user', 'Bash'),
      entry('PostToolUse', command('post'), 'user'),
      entry('PreToolUse', command('all')),
      entry('PreToolUse', command('spawn-check'), 'project', 'Agent|Task'),
    ];
    expect(selectHookHandlers(handlers, input).map((h) => [h.handler.command, h.source.scope])).toStrictEqual([
      ['spawn-check', 'project'],
      ['all', 'user'],
    ]);
  });

  it('drops handlers with an `if` rule on events other than tool events', () => {
    const handlers = [
      entry('Stop', command('guarded', { if: 'Bash(git *)' })),
      entry('Stop', command('plain')),
      entry('PreToolUse', command('tool-guarded', { if: 'Agent(*)' })),
    ];
    expect(selectHookHandlers(handlers, { hook_event_name: 'Stop' }).map((h) => h.handler.command)).toStrictEqual(['plain']);
    expect(selectHookHandlers(handlers, input).map((h) => h.handler.command)).toStrictEqual(['tool-guarded']);
  });

  it('ignores matchers on events without matcher support', () => {
    const handlers = [entry('UserPromptSubmit', command('p'), 'user', 'Bash')];
    expect(selectHookHandlers(handlers, { hook_event_name: 'UserPromptSubmit' })).toHaveLength(1);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
