import { describe, expect, it } from 'vitest';
import { parseSimpleCommand } from './simple-command.js';

describe('parseSimpleCommand', () => {
  it.each([
    ['sleep 0.05', ['sleep', '0.05']],
    ['  node .claude/hooks/check.mjs --mode=strict  ', ['node', '.claude/hooks/check.mjs', '--mode=strict']],
    ['/usr/local/bin/guard\t-v', ['/usr/local/bin/guard', '-v']],
    ['npx -y @scope/pkg@1.2.3 run', ['npx', '-y', '@scope/pkg@1.2.3', 'run']],
    ['./hook', ['./hook']],
  ])('runs %j directly', (command, argv) => {
    expect(parseSimpleCommand(command)).toEqual(argv);
  });

  it.each([
    ['echo "$HOME"', 'quotes and expansion'],
    ['cat $CLAUDE_PROJECT_DIR/x', 'parameter expansion'],
    ['ls *.ts', 'globbing'],
    ['ls ~/x', 'tilde expansion'],
    ['a | b', 'a pipeline'],
    ['a && b', 'a list'],
    ['a; b', 'a sequence'],
    ['a > out', 'a redirection'],
    ['a # comment', 'a comment'],
    ['a\nb', 'two lines'],
    ['FOO=1 node x.js', 'an assignment'],
    ['echo hi', 'a builtin that exists as a file too'],
    ['exit 2', 'a special builtin'],
    ['cd dir', 'a builtin with no file'],
    ['true', 'a builtin'],
    ['if', 'a reserved word'],
    ['a\\ b', 'a backslash'],
    ['$(which node) x', 'command substitution'],
    ['', 'nothing'],
  ])('leaves %j to the shell (%s)', (command) => {
    expect(parseSimpleCommand(command)).toBeUndefined();
  });
});
