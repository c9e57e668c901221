import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { CommandExit, createColors, formatZodIssues, UsageError, WhiteboxError } from '@whitebox/core';
import type { CliContext } from '@whitebox/core';
import { CouncilTranscriptSchema } from '../../council-transcript.js';
import { replayTranscript } from '../../replay-transcript.js';
import type { ReplayArgs } from './command.js';

/**
 * Runs `council replay <transcript>`: validates the file, replays it and prints what it found.
 *
 * @throws {CommandExit} 1 when the replay does not reproduce the transcript.
 * @throws {UsageError} when the file cannot be read; {@link WhiteboxError} `INPUT_INVALID` when it is not a transcript.
 */
export async function runReplay(args: ReplayArgs, context: CliContext): Promise<void> {
  const { stdout, stderr } = context.io;
  const c = createColors(stderr, context.env);
  const file = path.resolve(context.cwd, args.transcript);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${args.transcript}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new WhiteboxError('INPUT_INVALID', `${args.transcript}: not JSON (${(error as Error).message}); expected a transcript from council --json or --out`, { cause: error });
  }
  const parsed = CouncilTranscriptSchema.safeParse(raw);
  if (!parsed.success) {
    throw new WhiteboxError('INPUT_INVALID', `${args.transcript}: not a council transcript: ${formatZodIssues(parsed.error.issues, raw)}`);
  }
  const result = replayTranscript(parsed.data);
  if (args.json) {
    stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    for (const round of result.rounds) {
      const converged = round.converged === null ? 'no synthesis' : round.converged ? 'converged' : 'not converged';
      stdout.write(`round ${round.round}: vote ${round.decision ?? 'none'}, quorum ${round.quorumMet ? 'met' : 'not met'}, verdict ${round.verdict ?? 'none'}, ${converged}\n`);
    }
    const verdict = result.final === null ? 'no verdict' : `${result.final.verdict} at round ${result.final.round}`;
    stdout.write(`${result.reproduced ? 'reproduced' : 'NOT reproduced'}: ${verdict}, stopped: ${result.stopReason ?? 'nothing (the council would have gone on)'}\n`);
    for (const mismatch of result.mismatches) stdout.write(`  - ${mismatch}\n`);
  }
  if (!result.reproduced) {
    if (!args.quiet && args.json) stderr.write(`${c.red('council replay')}: ${result.mismatches.length} difference(s)\n`);
    throw new CommandExit(1);
  }
}
