import { readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CommandExit, WhiteboxError } from '@whitebox/core';
import type { CliContext } from '../../cli-context.js';
import { updateClaudeMd } from '../../update-claude-md.js';
import type { InitArgs } from './command.js';

const MESSAGES = {
  created: 'created with the Parallel agent delegation section',
  appended: 'Parallel agent delegation section added',
  updated: 'Parallel agent delegation section updated',
  unchanged: 'already up to date',
} as const;

/** Runs `init`: reads the file, updates the section, writes it back through a temp file. */
export async function runInit(args: InitArgs, context: CliContext): Promise<void> {
  const file = resolve(context.cwd, args.file ?? 'CLAUDE.md');
  let current: string | undefined;
  try {
    current = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new WhiteboxError('IO', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  const { text, action } = updateClaudeMd(current, file);
  if (!args.check && action !== 'unchanged') {
    const temp = `${file}.${process.pid}.tmp`;
    try {
      await writeFile(temp, text);
      await rename(temp, file);
    } catch (error) {
      throw new WhiteboxError('IO', `Cannot write ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  if (args.json) {
    context.io.stdout.write(`${JSON.stringify({ file, action, written: !args.check && action !== 'unchanged' })}\n`);
  } else if (!args.quiet) {
    const message = args.check && action !== 'unchanged' ? `needs init (${action === 'created' ? 'missing' : 'section missing or out of date'})` : MESSAGES[action];
    context.io.stdout.write(`${file}: ${message}\n`);
  }
  if (args.check && action !== 'unchanged') throw new CommandExit(1);
}
