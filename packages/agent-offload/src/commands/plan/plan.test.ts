import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, WhiteboxError } from '@whitebox/core';
import { createCli } from '../../create-cli.js';
import { plan } from './plan.js';
import type { PlanReport } from './plan.js';

const bin = fileURLToPath(new URL('../../../bin/agent-offload.js', import.meta.url));
let dir: string;

function captureIo() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (s: string) => (out.stdout += stripVTControlCharacters(s)) },
      stderr: { write: (s: string) => (out.stderr += stripVTControlCharacters(s)), isTTY: false },
    },
  };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'agent-offload-plan-'));
  await mkdir(path.join(dir, 'src'), { recursive: true });
  // Sizes 5, 4, 3, 3, 2, 1 thousand lines of 10 bytes: LPT into 2 batches gives 9,000 and 9,000.
  for (const [name, lines] of [['a', 5], ['b', 4], ['c', 3], ['d', 3], ['e', 2], ['f', 1]] as const) {
    await writeFile(path.join(dir, 'src', `${name}.ts`), '// 345678\n'.repeat(lines * 1000));
  }
  await writeFile(path.join(dir, 'src', 'logo.bin'), Buffer.from([0, 1, 2, 3]));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(plan, () => {
  it('prints the batches, the lines saved and the message to paste', async () => {
    const { out, io } = captureIo();
    await plan({ paths: ['src/*.ts'], batches: 2, maxSummaryLines: 30 }, { io, cwd: dir, env: {} });
    expect(out.stderr).toBe('');
    const [head, ...rest] = out.stdout.split('\n');
    expect(head).toBe('2 batches for 6 files (18,000 lines, 180 KB), balanced by bytes:');
    expect(rest.slice(0, 2)).toEqual(['  batch 1      3 files     9,000 lines     90 KB', '  batch 2      3 files     9,000 lines     90 KB']);
    expect(out.stdout).toContain(
      'Context: the sub-agents read 18,000 lines and return at most 60 (2 × 30): 17,940 lines (99.7%) saved from the main context.',
    );
    expect(out.stdout).toContain('Make these 2 Agent calls in ONE message so they run in parallel; each returns at most 30 lines.');
    expect(out.stdout).toContain('- src/a.ts (5,000 lines)\n- src/d.ts (3,000 lines)\n- src/f.ts (1,000 lines)');
  });

  it('prints the documented JSON with --json, and lists what it left out', async () => {
    const { out, io } = captureIo();
    const report = await plan({ paths: ['src', 'docs/*.md'], json: true, batches: 3 }, { io, cwd: dir, env: {} });
    const json = JSON.parse(out.stdout) as PlanReport;
    expect(json).toEqual(JSON.parse(JSON.stringify(report)));
    expect(json).toMatchObject({
      version: 1,
      weight: 'bytes',
      maxSummaryLines: 40,
      subagentType: 'Explore',
      totals: { files: 6, bytes: 180_000, lines: 18_000 },
      context: { linesRead: 18_000, summaryLinesMax: 120, linesSaved: 17_880 },
      skipped: [{ path: 'src/logo.bin', reason: 'binary (NUL bytes)' }],
      unmatched: ['docs/*.md'],
    });
    expect(json.batches.map((b) => b.lines)).toEqual([6000, 6000, 6000]);
    expect(json.batches[0]).toMatchObject({ index: 1, description: 'Summarise 2 files (1/3)', files: [{ path: 'src/a.ts', bytes: 50_000, lines: 5000 }, { path: 'src/f.ts', bytes: 10_000, lines: 1000 }] });
    expect(out.stderr).toBe('warning: no file matches "docs/*.md"\nwarning: skipped src/logo.bin: binary (NUL bytes)\n');
  });

  it('takes batches and the summary budget from the config file, flags winning', async () => {
    await mkdir(path.join(dir, '.claude'), { recursive: true });
    await writeFile(path.join(dir, '.claude', 'whitebox.json'), JSON.stringify({ agentOffload: { batches: 6, maxSummaryLines: 12, subagentType: 'reader' } }));
    try {
      const fromConfig = await plan({ paths: ['src/*.ts'], quiet: true }, { io: captureIo().io, cwd: dir, env: {} });
      expect([fromConfig.batches.length, fromConfig.maxSummaryLines, fromConfig.subagentType]).toEqual([6, 12, 'reader']);
      const fromFlags = await plan({ paths: ['src/*.ts'], batches: 1, quiet: true }, { io: captureIo().io, cwd: dir, env: {} });
      expect([fromFlags.batches.length, fromFlags.maxSummaryLines]).toEqual([1, 12]);
    } finally {
      await rm(path.join(dir, '.claude'), { recursive: true, force: true });
    }
  });

  it('notes on stderr when there are fewer files than batches', async () => {
    const { out, io } = captureIo();
    await plan({ paths: ['src/a.ts', 'src/b.ts'], batches: 5 }, { io, cwd: dir, env: {} });
    expect(out.stderr).toBe('note: 2 files fill only 2 of 5 batches\n');
  });

  it('fails with INPUT_INVALID when nothing readable matches', async () => {
    const error = await plan({ paths: ['nope/**/*.ts', 'src/logo.bin'] }, { io: captureIo().io, cwd: dir, env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WhiteboxError);
    expect((error as WhiteboxError).code).toBe('INPUT_INVALID');
    expect((error as WhiteboxError).message).toBe(
      'No readable text file to plan for: no match for "nope/**/*.ts"; 1 skipped (src/logo.bin: binary (NUL bytes))',
    );
  });
});

describe(createCli, () => {
  it('rejects bad --batches and --max-summary-lines as usage errors (exit 2)', async () => {
    for (const args of [['plan', 'x', '--batches', '0'], ['plan', 'x', '-k', '1.5'], ['plan', 'x', '--batches', 'many'], ['plan']]) {
      const { out, io } = captureIo();
      expect(await runCli(createCli(args).exitProcess(false), { argv: args, io }), args.join(' ')).toBe(2);
      expect(out.stderr).toMatch(/^error: /);
    }
  });
});

describe('agent-offload plan (bundled bin)', () => {
  it('prints the plan as JSON', async () => {
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [bin, 'plan', 'src/*.ts', '--json', '-n', '2', '-k', '20'], { cwd: dir });
      let text = '';
      child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
      child.once('error', reject);
      child.once('close', (exit) => resolve({ code: exit, stdout: text }));
    });
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as PlanReport;
    expect(report.batches.map((b) => b.lines)).toEqual([9000, 9000]);
    expect(report.context).toEqual({ linesRead: 18_000, summaryLinesMax: 40, linesSaved: 17_960, savedPercent: 99.8 });
  });
});
