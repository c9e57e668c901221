import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { analyzeOrder } from './analyze-order.js';
import type { ExecutorHook } from './executor-config.js';
import { seededRandom } from './commands/analyze/analyze.js';
import { createFixtureProject, fixtureInput, runBin } from './test-support/fixture-project.js';
import type { FixtureProject } from './test-support/fixture-project.js';

const PROMPT = fixtureInput('bash-hooks', '01-UserPromptSubmit.json');

let project: FixtureProject;
beforeEach(async () => {
  project = await createFixtureProject();
});
afterEach(() => project.cleanup());

// The planted dependency: `report` prints what `collect` wrote, so it only works after it.
const planted: ExecutorHook[] = [
  { id: 'collect', command: 'sleep 0.05; echo collected > state.txt' },
  { id: 'lint', command: 'echo lint ok' },
  { id: 'report', command: 'if [ -f state.txt ]; then echo "report: $(cat state.txt)"; else echo "report: nothing yet"; fi' },
];

function analyze(hooks: readonly ExecutorHook[], reset?: string) {
  return analyzeOrder({
    config: { events: { UserPromptSubmit: { hooks: [...hooks] } } },
    configDir: project.dir,
    event: 'UserPromptSubmit',
    input: JSON.parse(PROMPT) as Record<string, unknown>,
    projectDir: project.dir,
    cwd: project.dir,
    env: { PATH: process.env['PATH'] },
    shuffles: 2,
    random: seededRandom(7),
    ...(reset !== undefined && { reset }),
  });
}

describe(analyzeOrder, () => {
  it('finds a planted order dependency and proposes the after edge that fixes it', async () => {
    const result = await analyze(planted, 'rm -f state.txt');
    expect(result.hooks.map((hook) => [hook.id, hook.orderDependent])).toEqual([
      ['collect', false],
      ['lint', false],
      ['report', true],
    ]);
    expect(result.proposals).toEqual([{ hook: 'report', after: ['collect'], reason: 'report gives its configuration-order result only after collect ran' }]);
    const report = result.hooks[2];
    expect(report?.results.find((entry) => entry.trial === 'alone 1')?.fingerprint).toBe('exit 0: report: nothing yet');
    expect(report?.results.find((entry) => entry.trial === 'configuration order')?.fingerprint).toBe('exit 0: report: collected');
  });

  it('proposes nothing once the edge is declared', async () => {
    const fixed = planted.map((hook) => (hook.id === 'report' ? { ...hook, after: ['collect'] } : hook));
    const result = await analyze(fixed, 'rm -f state.txt');
    expect(result.proposals).toEqual([]);
    expect(result.hooks.every((hook) => !hook.orderDependent)).toBe(true);
  });

  it('tells output that varies between identical runs apart from order dependence', async () => {
    const result = await analyze([{ id: 'clock', command: 'date +%s%N' }, { id: 'quiet', command: 'true' }]);
    expect(result.hooks[0]).toMatchObject({ id: 'clock', nondeterministic: true, orderDependent: false });
    expect(result.proposals).toEqual([]);
  });

  it('reports failures and timeouts per hook', async () => {
    const result = await analyze([
      { id: 'fails', command: 'exit 1' },
      { id: 'hangs', command: 'sleep 5', timeout: 0.1 },
    ]);
    expect(result.hooks.map((hook) => [hook.id, hook.failures > 0, hook.timeouts > 0])).toEqual([
      ['fails', true, false],
      ['hangs', false, true],
    ]);
  });

  it('rejects a shuffle count that is not a non-negative integer', async () => {
    await expect(
      analyzeOrder({ config: { events: {} }, configDir: project.dir, event: 'Stop', input: {}, projectDir: project.dir, shuffles: -1 }),
    ).rejects.toThrow('Expected `shuffles` to be an integer ≥ 0, got `-1` (number)');
  });
});

describe('hook-executor analyze (bundled CLI)', () => {
  it('prints the proposal and --write adds the edge to the config', async () => {
    await project.writeConfig({ events: { UserPromptSubmit: { hooks: planted } } });
    const input = project.file('sample.json');
    await writeFile(input, PROMPT);
    const result = await runBin(['analyze', '--event', 'UserPromptSubmit', '--input', input, '--reset', 'rm -f state.txt', '--shuffles', '1', '--seed', '3', '--write', '-q'], {
      cwd: project.dir,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('report after collect');
    const config = JSON.parse(await readFile(project.configPath, 'utf8')) as {
      events: { UserPromptSubmit: { hooks: { id: string; after?: string[] }[] } };
    };
    expect(config.events.UserPromptSubmit.hooks.find((hook) => hook.id === 'report')?.after).toEqual(['collect']);
  });
});
