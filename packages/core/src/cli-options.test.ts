import yargs from 'yargs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { createProgram, withCommonOptions, withConfig, withJson, withQuiet, withVerbose } from './cli-options.js';
import type { CommonOptions } from './cli-options.js';

async function parse(args: string[]) {
  return withCommonOptions(yargs(args))
    .exitProcess(false)
    .strict()
    .fail((message: string | undefined, error: Error | undefined) => {
      throw error ?? new Error(message);
    })
    .parseAsync();
}

describe(withCommonOptions, () => {
  it('parses every shared flag', async () => {
    const argv = await parse(['--json', '--verbose', '-q', '--config', 'x.json']);
    expect(argv).toMatchObject({ json: true, verbose: true, quiet: true, config: 'x.json' });
    expectTypeOf(argv).toExtend<CommonOptions>();
  });

  it('defaults to text output, normal verbosity and no config file', async () => {
    const argv = await parse([]);
    expect(argv).toMatchObject({ json: false, verbose: false, quiet: false });
    expect(argv.config).toBeUndefined();
  });

  it('accepts the long form of --quiet and --flag=value forms', async () => {
    expect(await parse(['--quiet', '--config=a.json', '--json=false'])).toMatchObject({
      quiet: true,
      config: 'a.json',
      json: false,
    });
  });

  it('refuses --config without a value', async () => {
    await expect(parse(['--config'])).rejects.toThrow(/Not enough arguments following: config/);
    await expect(parse(['--config', '--json'])).rejects.toThrow(/Not enough arguments following: config/);
  });

  it('rejects flags it does not know under strict()', async () => {
    await expect(parse(['--jsn'])).rejects.toThrow(/Unknown argument: jsn/);
  });
});

describe('the single-flag builders', () => {
  it('each add only their own flag', async () => {
    expect(Object.keys(await withJson(yargs([])).parseAsync())).toContain('json');
    expect(Object.keys(await withVerbose(yargs([])).parseAsync())).toContain('verbose');
    expect(await withQuiet(yargs(['-q'])).parseAsync()).toMatchObject({ quiet: true, q: true });
    const configOnly = await withConfig(yargs(['--config', 'c.json'])).parseAsync();
    expect(configOnly).toMatchObject({ config: 'c.json' });
    expect(configOnly).not.toHaveProperty('json');
  });

  it('lets a tool describe --config its own way', async () => {
    expect(await withConfig(yargs([]), 'Hook-executor config').getHelp()).toContain('Hook-executor config');
    expect(await withConfig(yargs([])).getHelp()).toContain('Config file to use instead of the default');
  });
});

describe(createProgram, () => {
  it('is strict, knows -h, has no --version and shows the epilogue in --help', async () => {
    let help = '';
    const program = createProgram(['-h'], { scriptName: 'demo-tool', usage: '$0 [options]', epilogue: 'Exit codes: 0 ok' })
      .exitProcess(false)
      .command('$0', 'default', () => {}, () => {});
    await program.parseAsync(['-h'], {}, (_err: unknown, _argv: unknown, output: string) => void (help = output));
    expect(help).toContain('demo-tool [options]');
    expect(help).toContain('Exit codes: 0 ok');
    expect(help).toContain('--json');
    expect(help).not.toContain('--version');
  });

  it('rejects unknown flags', async () => {
    const program = createProgram([], { scriptName: 'demo-tool', usage: '$0' })
      .exitProcess(false)
      .fail((message: string) => {
        throw new Error(message);
      })
      .command('$0', 'default', () => {}, () => {});
    await expect((async () => program.parseAsync(['--nope']))()).rejects.toThrow(/Unknown argument: nope/);
  });
});
