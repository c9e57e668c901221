import yargs from 'yargs';
import type { Argv } from 'yargs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { withCommonOptions } from './cli-options.js';
import { AbortedError, UsageError, WhiteboxError } from './errors.js';
import { CommandExit, reportError, runCli } from './run-cli.js';
import type { CliIo } from './run-cli.js';

interface CapturedIo extends CliIo {
  readonly out: () => string;
  readonly err: () => string;
}

function captureIo(isTTY = false): CapturedIo {
  let out = '';
  let err = '';
  return {
    stdout: { write: (chunk: string) => (out += chunk) },
    stderr: { write: (chunk: string) => (err += chunk), isTTY },
    out: () => out,
    err: () => err,
  };
}

function positive(value: number): number {
  if (!(value >= 1)) throw new Error(`--times must be at least 1, got ${value}`);
  return value;
}

/** A small Whitebox-style CLI: `greet <name> [--style plain|loud] [--times n]` whose handler does whatever the test asks. */
function createCli(args: readonly string[], io: CliIo, handler: () => unknown = () => undefined): Argv {
  return withCommonOptions(yargs([...args]))
    .exitProcess(false)
    .scriptName('greet')
    .command(
      'greet <name>',
      'Greets someone',
      (command) => command.positional('name', { type: 'string', demandOption: true }).option('style', { choices: ['plain', 'loud'] as const })
          .option('times', { type: 'number', coerce: positive }),
      async (argv) => {
        io.stdout.write(`hello ${argv.name}\n`);
        await handler();
      },
    )
    .demandCommand(1)
    .strict();
}

async function run(args: string[], handler?: () => unknown, io = captureIo()) {
  const code = await runCli(createCli(args, io, handler), { argv: args, io });
  return { code, stdout: io.out(), stderr: io.err() };
}

const fail = (error: unknown) => () => {
  throw error;
};

beforeEach(() => {
  vi.stubEnv('NO_COLOR', undefined);
  vi.stubEnv('FORCE_COLOR', undefined);
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe(runCli, () => {
  it('returns 0 and leaves stderr empty when the command succeeds', async () => {
    expect(await run(['greet', 'Ada'])).toEqual({ code: 0, stdout: 'hello Ada\n', stderr: '' });
  });

  it('returns 0 for --help without running the command', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await run(['--help'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(String(log.mock.calls[0]?.[0])).toContain('Greets someone');
  });

  it('returns 2 with a pointer to --help for a UsageError', async () => {
    const result = await run(['greet', 'Ada'], fail(new UsageError('--times must be positive, got -1')));
    expect(result).toEqual({
      code: 2,
      stdout: 'hello Ada\n',
      stderr: 'error: --times must be positive, got -1\nRun with --help for usage.\n',
    });
  });

  it('returns 1 with only the message for a WhiteboxError', async () => {
    const result = await run(['greet', 'Ada'], fail(new WhiteboxError('IO', 'Cannot read greetings.json')));
    expect(result).toMatchObject({ code: 1, stderr: 'error: Cannot read greetings.json\n' });
  });

  it('returns 1 for an unexpected error and says how to see the stack', async () => {
    const result = await run(['greet', 'Ada'], fail(new TypeError('x is not a function')));
    expect(result).toMatchObject({ code: 1, stderr: 'error: x is not a function\nPass --verbose to see the stack trace.\n' });
  });

  it('returns 1 for a thrown non-Error', async () => {
    expect(await run(['greet', 'Ada'], fail('a bare string'))).toMatchObject({ code: 1, stderr: expect.stringContaining('a bare string') });
  });

  it('prints the stack and the cause only under --verbose', async () => {
    const error = new Error('bug', { cause: new Error('root cause') });
    const quiet = await run(['greet', 'Ada'], fail(error));
    expect(quiet.stderr).not.toMatch(/\n\s+at /);

    const verbose = await run(['greet', 'Ada', '--verbose'], fail(error));
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/^error: Error: bug\n\s+at /);
    expect(verbose.stderr).toMatch(/caused by: Error: root cause\n\s+at /);
    expect(verbose.stderr).not.toContain('Pass --verbose');
  });

  it('shows a WhiteboxError’s stack under --verbose too', async () => {
    const result = await run(['greet', 'Ada', '--verbose'], fail(new WhiteboxError('IO', 'disk gone')));
    expect(result.stderr).toMatch(/^error: WhiteboxError: disk gone\n\s+at /);
  });

  it.each([
    ['an AbortedError', new AbortedError('Interrupted (SIGINT)')],
    ['a DOM AbortError', new DOMException('This operation was aborted', 'AbortError')],
  ])('returns 130 for %s, without a stack even under --verbose', async (_label, error) => {
    const result = await run(['greet', 'Ada', '--verbose'], fail(error));
    expect(result.code).toBe(130);
    expect(result.stderr).toBe(`interrupted: ${error.message}\n`);
  });

  it('returns the code of a CommandExit and prints nothing more', async () => {
    expect(await run(['greet', 'Ada'], fail(new CommandExit(2)))).toEqual({ code: 2, stdout: 'hello Ada\n', stderr: '' });
    expect(await run(['greet', 'Ada'], fail(new CommandExit(0)))).toMatchObject({ code: 0, stderr: '' });
  });

  it.each([
    ['an unknown flag', ['greet', 'Ada', '--loud'], 'Unknown argument: loud'],
    ['a missing positional', ['greet'], 'Not enough non-option arguments: got 0, need at least 1'],
    ['a missing command', [], 'Not enough non-option arguments: got 0, need at least 1'],
    ['a value outside the choices', ['greet', 'Ada', '--style', 'shouty'], 'Invalid values:\n  Argument: style, Given: "shouty"'],
    ['a flag missing its value', ['greet', 'Ada', '--config'], 'Not enough arguments following: config'],
    ['a value its coerce function refuses', ['greet', 'Ada', '--times', '0'], '--times must be at least 1, got 0'],
  ])('returns 2 for %s without running the command', async (_label, args, message) => {
    const result = await run(args);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(new RegExp(`^error: ${escapeRegExp(message)}`));
    expect(result.stderr).toMatch(/\nRun with --help for usage\.\n$/);
  });

  it('treats a failing .check() as usage, and errors of synchronous handlers and middleware as their own', async () => {
    const io = captureIo();
    const go = () => yargs(['go']).exitProcess(false);
    const checked = go()
      .check(() => {
        throw new Error('--from must precede --to');
      })
      .command('go', 'Goes', {}, () => undefined);
    const middleware = go()
      .middleware(() => {
        throw new WhiteboxError('CONFIG_INVALID', 'whitebox.json: bad');
      })
      .command('go', 'Goes', {}, () => undefined);
    const syncHandler = go().command('go', 'Goes', {}, fail(new CommandExit(7)));
    expect(await runCli(checked, { argv: [], io })).toBe(2);
    expect(await runCli(middleware, { argv: [], io })).toBe(1);
    expect(await runCli(syncHandler, { argv: [], io })).toBe(7);
    expect(io.err()).toBe('error: --from must precede --to\nRun with --help for usage.\nerror: whitebox.json: bad\n');
  });

  it('colours the error label only when stderr is a TTY', async () => {
    const tty = await run(['greet', 'Ada'], fail(new WhiteboxError('IO', 'x')), captureIo(true));
    expect(tty.stderr).toBe('\u001b[31merror\u001b[39m: x\n');

    vi.stubEnv('NO_COLOR', '1');
    const noColor = await run(['greet', 'Ada'], fail(new WhiteboxError('IO', 'x')), captureIo(true));
    expect(noColor.stderr).toBe('error: x\n');
  });
});

describe(reportError, () => {
  it('returns the exit code it reported', () => {
    const io = captureIo();
    expect(reportError(new UsageError('bad'), { stderr: io.stderr })).toBe(2);
    expect(reportError(new Error('bug'), { stderr: io.stderr, verbose: true })).toBe(1);
    expect(io.err()).toMatch(/^error: bad\nRun with --help for usage.\nerror: Error: bug\n\s+at /);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
