import { spawn } from 'node:child_process';
import { EventEmitter, once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import OpenAI from 'openai';
import { AbortedError, runCli, UsageError } from '@whitebox/core';
import { createCli } from '../../create-cli.js';
import type { LlmSim } from '../../start-llm-sim.js';
import { serve, toSimOptions } from './serve.js';

function captureIo() {
  const out = { stdout: '', stderr: '' };
  return {
    out,
    io: {
      stdout: { write: (chunk: string) => (out.stdout += chunk) },
      // FORCE_COLOR may be set by the task runner; compare text without escapes.
      stderr: { write: (chunk: string) => (out.stderr += stripVTControlCharacters(chunk)), isTTY: false },
    },
  };
}

describe(toSimOptions, () => {
  it('turns flags into simulator options', async () => {
    const options = await toSimOptions({
      port: 0,
      latency: ['uniform:10-20', 'gpt-4o=normal:3000,300'],
      faultRate: ['0.1', 'hang=0.05', '503=0.02'],
      rpm: 60,
      tpm: 1000,
      timeScale: 86_400,
      apiKey: ['sk-a'],
      seed: 4,
      invalidJson: true,
    });
    expect(options).toMatchObject({
      port: 0,
      host: '127.0.0.1',
      seed: 4,
      latency: { type: 'uniform', minMs: 10, maxMs: 20 },
      script: { latency: { models: { 'gpt-4o': { type: 'normal', meanMs: 3000, stdDevMs: 300 } } } },
      faults: { '429': 0.1, hang: 0.05, '503': 0.02 },
      rpm: 60,
      tpm: 1000,
      timeScale: 86_400,
      apiKeys: ['sk-a'],
      invalidJson: true,
    });
  });

  it('rejects bad flag values with a UsageError naming the flag', async () => {
    const cases: [Parameters<typeof toSimOptions>[0], string][] = [
      [{ latency: ['soon'] }, '--latency: Expected a latency like 250'],
      [{ faultRate: ['teapot=0.1'] }, '--fault-rate: unknown fault kind "teapot"'],
      [{ faultRate: ['429=2'] }, '--fault-rate: expected a rate from 0 to 1, got "429=2"'],
      [{ faultRate: ['429=0.6', '500=0.6'] }, '--fault-rate: the rates add up to more than 1'],
      [{ port: 70_000 }, '--port: expected an integer from 0 to 65535, got 70000'],
      [{ rpm: 0 }, '--rpm: expected a positive number, got 0'],
      [{ seed: 0.5 }, '--seed: expected an integer, got 0.5'],
      [{ chunkDelay: -1 }, '--chunk-delay: expected a number ≥ 0, got -1'],
    ];
    const dir = await mkdtemp(join(tmpdir(), 'llm-sim-serve-'));
    const badScript = join(dir, 'bad.json');
    await writeFile(badScript, JSON.stringify({ rules: [{ respond: { fault: 'melt' } }] }));
    cases.push([{ script: badScript }, `--script ${badScript}: rules[0].respond.fault:`]);
    cases.push([{ script: join(dir, 'missing.json') }, 'missing.json: cannot read the script']);
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    for (const [args, message] of cases) {
      const error = await toSimOptions(args).catch((e: unknown) => e);
      expect(error, message).toBeInstanceOf(UsageError);
      expect((error as Error).message).toContain(message);
    }
  });
});

describe(serve, () => {
  it('prints the base URL on stdout, logs requests on stderr and stops on SIGTERM', async () => {
    const { io, out } = captureIo();
    const signals = new EventEmitter();
    let sim: LlmSim | undefined;
    const running = serve({ port: 0 }, { io, signals, onListening: (s) => (sim = s) });
    await expect.poll(() => sim).toBeDefined();
    expect(out.stdout).toBe(`${sim?.baseURL}\n`);
    const client = new OpenAI({ baseURL: out.stdout.trim(), apiKey: 'sk-test', maxRetries: 0 });
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    await expect.poll(() => out.stderr).toMatch(/POST \/v1\/chat\/completions 200 gpt-4o \d+ms \d+\+\d+ tok/);
    signals.emit('SIGTERM');
    await expect(running).resolves.toBeUndefined();
    expect(out.stderr).toContain('llm-sim stopped (SIGTERM)');
    expect(signals.listenerCount('SIGINT') + signals.listenerCount('SIGTERM')).toBe(0);
  });

  it('stays silent on stderr with --quiet and rejects with AbortedError on SIGINT', async () => {
    const { io, out } = captureIo();
    const signals = new EventEmitter();
    let sim: LlmSim | undefined;
    const running = serve({ port: 0, quiet: true }, { io, signals, onListening: (s) => (sim = s) });
    await expect.poll(() => sim).toBeDefined();
    await fetch(`${sim?.baseURL}/models`);
    signals.emit('SIGINT');
    await expect(running).rejects.toBeInstanceOf(AbortedError);
    expect(out.stderr).toBe('');
    expect(sim?.log().requests).toHaveLength(1);
  });
});

describe(createCli, () => {
  it('explains itself under --help', async () => {
    let output = '';
    await createCli(['--help'])
      .exitProcess(false)
      .parseAsync(['--help'], {}, (_error, _argv, text) => {
        output = text;
      });
    expect(output).toContain('An OpenAI-compatible LLM simulator over real HTTP');
    expect(output).toContain('llm-sim serve');
    expect(output).toContain('GET  /__sim/log');
    expect(output).toContain('130 stopped by Ctrl-C (SIGINT)');
  });

  it('exits 2 for a missing command or an unknown flag', async () => {
    for (const args of [[], ['serve', '--bogus'], ['serve', '--latency']]) {
      const { io, out } = captureIo();
      expect(await runCli(createCli(args).exitProcess(false), { io, argv: args }), args.join(' ')).toBe(2);
      expect(out.stderr).toMatch(/error: .+\nRun with --help for usage\./);
    }
  });

  it('serves from a real process and exits 130 on Ctrl-C', async () => {
    const cli = fileURLToPath(new URL('../../cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--conditions=@whitebox/source', '--import', 'tsx', cli, 'serve', '--port', '0', '--seed', '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    try {
      await expect.poll(() => stdout, { timeout: 15_000 }).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1\n$/);
      const models = (await (await fetch(`${stdout.trim()}/models`)).json()) as { data: unknown[] };
      expect(models.data.length).toBeGreaterThan(0);
      await expect.poll(() => stderr).toContain('GET /v1/models 200');
      child.kill('SIGINT');
      const [code] = await once(child, 'exit');
      expect(code).toBe(130);
      expect(stderr).toContain('interrupted: llm-sim stopped by SIGINT');
    } finally {
      child.kill('SIGKILL');
    }
  });
});
