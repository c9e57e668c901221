import { describe, expect, it } from 'vitest';
import { commandToSpawn, parseWrapArgs } from './parse-wrap-args.js';

describe(parseWrapArgs, () => {
  it('takes flags before -- and passes the command through untouched', () => {
    expect(parseWrapArgs(['--id', 'lint', '--event=Stop', '--log', 'l.jsonl', '--project-dir', '/p', '--', 'node', 'x.js', '--id', 'y'])).toEqual({
      command: ['node', 'x.js', '--id', 'y'],
      id: 'lint',
      event: 'Stop',
      log: 'l.jsonl',
      projectDir: '/p',
    });
  });

  it('starts the command at the first argument that is not a flag', () => {
    expect(parseWrapArgs(['./hook.sh', '--verbose']).command).toEqual(['./hook.sh', '--verbose']);
  });

  it('rejects unknown flags, missing values and a missing command, naming the problem', () => {
    expect(() => parseWrapArgs(['--verbose', '--', 'x'])).toThrow('unknown option --verbose');
    expect(() => parseWrapArgs(['--id'])).toThrow('--id needs a value');
    expect(() => parseWrapArgs(['--id='])).toThrow('--id needs a value');
    expect(() => parseWrapArgs(['--id', 'x'])).toThrow('no command given');
    expect(() => parseWrapArgs(['--', ''])).toThrow('no command given');
    expect(() => parseWrapArgs([])).toThrow('no command given');
  });
});

describe(commandToSpawn, () => {
  it('runs one argument with shell syntax under /bin/sh -c', () => {
    expect(commandToSpawn(['lint.sh && fmt.sh'])).toEqual({ file: '/bin/sh', args: ['-c', 'lint.sh && fmt.sh'] });
    expect(commandToSpawn(['$HOME/hook.sh'])).toEqual({ file: '/bin/sh', args: ['-c', '$HOME/hook.sh'] });
  });

  it('executes plain paths and argument vectors directly', () => {
    expect(commandToSpawn(['./hooks/lint.sh'])).toEqual({ file: './hooks/lint.sh', args: [] });
    expect(commandToSpawn(['node', '-e', 'a && b'])).toEqual({ file: 'node', args: ['-e', 'a && b'] });
  });
});
