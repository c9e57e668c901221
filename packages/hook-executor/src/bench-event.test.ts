import { access, readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { benchEvent } from './bench-event.js';
import { BIN, createFixtureProject, fixtureInput, runBin } from './test-support/fixture-project.js';

const PROMPT = fixtureInput('bash-hooks', '01-UserPromptSubmit.json');

describe(benchEvent, () => {
  it('times the hooks one after another, through the engine and as the one-shot command, without touching the timing log', async () => {
    const project = await createFixtureProject();
    try {
      const config = { events: { UserPromptSubmit: { hooks: [{ id: 'a', command: 'echo a >> ran' }, { id: 'b', command: 'echo b >> ran' }] } } };
      await project.writeConfig(config);
      const result = await benchEvent({
        config,
        configDir: project.dir,
        event: 'UserPromptSubmit',
        input: JSON.parse(PROMPT) as Record<string, unknown>,
        inputText: PROMPT,
        projectDir: project.dir,
        cwd: project.dir,
        runs: 2,
        bin: BIN,
        configPath: project.configPath,
      });
      expect(result.hooks).toBe(2);
      expect(result.sequential.ms).toHaveLength(2);
      expect(result.executor.ms).toHaveLength(2);
      expect(result.oneShot?.ms).toHaveLength(2);
      // 1 untimed + 2 × (sequential, engine, one-shot) runs of both hooks.
      expect((await readFile(project.file('ran'), 'utf8')).split('\n').filter(Boolean)).toHaveLength(14);
      await expect(access(project.file('.claude/memory/hook_performance.jsonl'))).rejects.toThrow(/ENOENT/);
    } finally {
      await project.cleanup();
    }
  });

  it('rejects a run count below 1', async () => {
    await expect(
      benchEvent({ config: { events: {} }, configDir: '/', event: 'Stop', input: {}, projectDir: '/', runs: 0 }),
    ).rejects.toThrow('Expected `runs` to be an integer ≥ 1, got `0` (number)');
  });
});

describe('hook-executor bench (bundled CLI)', () => {
  it('prints the three medians and the speed-ups', async () => {
    const project = await createFixtureProject({ events: { UserPromptSubmit: { hooks: [{ id: 'a', command: 'true' }, { id: 'b', command: 'true' }] } } });
    try {
      await writeFile(project.file('sample.json'), PROMPT);
      const result = await runBin(['bench', '--event', 'UserPromptSubmit', '--input', 'sample.json', '--runs', '1', '-q'], { cwd: project.dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/bench UserPromptSubmit: 2 hooks, median of 1 runs\n {2}one after another +\d+ ms\n {2}executor engine \(in-process graph\) +\d+ ms {2}[\d.]+× faster\n {2}hook-executor run \(with Node start-up\) +\d+ ms {2}[\d.]+× faster\n/);
    } finally {
      await project.cleanup();
    }
  });
});
