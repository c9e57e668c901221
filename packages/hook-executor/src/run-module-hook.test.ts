import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createModuleHookLoader, runModuleHook } from './run-module-hook.js';
import type { ModuleHookLoader, RunModuleHookOptions } from './run-module-hook.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'run-module-hook-'));
  await writeFile(
    path.join(dir, 'hooks.mjs'),
    [
      'export default (input, context) => ({ saw: input.prompt, aborted: context.signal.aborted });',
      "export const blocks = () => { throw Object.assign(new Error('no'), { exitCode: 2 }); };",
      "export const later = async () => { await new Promise((r) => setTimeout(r, 10)); return 'later'; };",
      'export const hangs = () => new Promise(() => {});',
    ].join('\n'),
  );
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const options = (loader: ModuleHookLoader, exportName = 'default', extra: Partial<RunModuleHookOptions> = {}): RunModuleHookOptions => ({
  file: path.join(dir, 'hooks.mjs'),
  exportName,
  input: { prompt: 'hi' },
  context: { event: 'UserPromptSubmit', hookId: 'h', projectDir: dir },
  timeoutMs: 5_000,
  maxOutputBytes: 1024,
  loader,
  ...extra,
});

describe('runModuleHook', () => {
  it('calls a warm hook that returns at once without loading it again', async () => {
    const loader = createModuleHookLoader();
    const cold = await runModuleHook(options(loader));
    const load = vi.spyOn(loader, 'load');
    const warm = await runModuleHook(options(loader));
    expect(load).not.toHaveBeenCalled();
    expect(warm).toMatchObject({ exitCode: 0, stdout: '{"saw":"hi","aborted":false}', failedToStart: false });
    expect(warm.stdout).toBe(cold.stdout);
  });

  it('turns a warm hook that throws with exitCode 2 into a block', async () => {
    const loader = createModuleHookLoader();
    await loader.load(path.join(dir, 'hooks.mjs'), 'blocks');
    expect(await runModuleHook(options(loader, 'blocks'))).toMatchObject({ exitCode: 2, stderr: 'no' });
  });

  it('still awaits a warm hook that returns a promise, and times out one that never settles', async () => {
    const loader = createModuleHookLoader();
    await loader.load(path.join(dir, 'hooks.mjs'), 'later');
    expect(await runModuleHook(options(loader, 'later'))).toMatchObject({ exitCode: 0, stdout: 'later' });
    expect(await runModuleHook(options(loader, 'hangs', { timeoutMs: 50 }))).toMatchObject({ exitCode: null, stopped: 'timeout' });
  });
});

describe('createModuleHookLoader().peek', () => {
  it('gives the function only once it is loaded and while no check of the file is due', async () => {
    let clock = 0;
    const loader = createModuleHookLoader({ reloadOnChange: true, checkIntervalMs: 1000, now: () => clock });
    const file = path.join(dir, 'hooks.mjs');
    expect(loader.peek?.(file, 'default')).toBeUndefined();
    const fn = await loader.load(file, 'default');
    expect(loader.peek?.(file, 'default')).toBe(fn);
    expect(loader.peek?.(file, 'missing')).toBeUndefined();
    clock = 1000;
    expect(loader.peek?.(file, 'default')).toBeUndefined();
  });
});
