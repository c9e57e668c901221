/**
 * A shell command that means the same run directly as run by `sh -c`: words of plain characters,
 * split on blanks. Starting `sh` for it is pure cost, a process and about a millisecond of CPU per
 * hook, which matters when an event starts 21 of them on a 2-core machine. Ruby's `Kernel#spawn`
 * and `system` take the same shortcut under the same conditions.
 */

// No quoting, expansion, globbing, redirection, pipes, lists, comments or tilde: nothing the
// shell would rewrite. `=` is allowed only after the first word, where it cannot be an assignment.
const PLAIN_WORDS = /^[\w./:@%+,=-]+(?:[ \t]+[\w./:@%+,=-]+)*$/;

// Names the shell resolves before PATH: POSIX special and regular built-ins, dash's and bash's
// common extras, and reserved words. Run directly, they would find /usr/bin/echo and the like, or
// nothing at all, and behave differently.
const SHELL_NAMES = new Set(
  (
    ': . [ alias bg break builtin cd command continue echo eval exec exit export false fc fg getopts hash jobs kill ' +
    'local printf pwd read readonly return set shift source test times trap true type ulimit umask unalias unset wait ' +
    'case do done elif else esac fi for function if in select then time until while'
  ).split(' '),
);

/**
 * The argument vector of `command` when it is a simple command `sh -c` would run unchanged, else
 * `undefined`. Conservative by design: anything it is unsure of goes through the shell.
 *
 * @example
 * parseSimpleCommand('node .claude/hooks/check.mjs --strict'); // ['node', '.claude/hooks/check.mjs', '--strict']
 * parseSimpleCommand('echo "$HOME"'); // undefined: quoting and expansion need the shell
 */
export function parseSimpleCommand(command: string): string[] | undefined {
  const trimmed = command.trim();
  if (!PLAIN_WORDS.test(trimmed)) return undefined;
  const words = trimmed.split(/[ \t]+/);
  const [name] = words as [string];
  if (name.includes('=') || SHELL_NAMES.has(name)) return undefined;
  return words;
}
