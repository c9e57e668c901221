import { spawn } from 'node:child_process';
import { isatty } from 'node:tty';
import { finishWrap } from './finish-wrap.js';
import { commandToSpawn, parseWrapArgs } from './parse-wrap-args.js';

/** How much of stdin is kept to find the session and event; the rest only streams through. */
const STDIN_CAP = 256 * 1024;
/** How much of stdout is kept to spot a JSON block decision. */
const STDOUT_CAP = 64 * 1024;
/** Signals a runner sends to cancel a hook; they go on to the child. */
const FORWARDED_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR2'];

/**
 * `perf-tracker wrap [--id ID] -- <command…>`: runs a hook command as Claude Code would, with
 * stdin, stdout, stderr and the exit status passing through unchanged, and appends one timing
 * record. stderr is inherited; stdin and stdout are streamed (with backpressure) so that a capped
 * copy can be read: stdin for the session and event, stdout for a JSON block decision. Neither copy
 * is stored. A child killed by a signal makes the wrapper die by the same signal.
 *
 * It loads nothing heavy: no yargs, zod or `@whitebox/core`, and `node:crypto` only when the
 * command has no `--id` to record, since everything the wrapper does competes with the hook for
 * CPU on a busy machine.
 *
 * @returns The exit code to end with.
 */
export async function wrapMain(argv: readonly string[]): Promise<number> {
  let args: ReturnType<typeof parseWrapArgs>;
  try {
    args = parseWrapArgs(argv);
  } catch (error) {
    // Exit 1, not the usual usage code 2: to Claude Code, 2 means "block", and a typo in a
    // wrapped hook must not block every tool call.
    process.stderr.write(`perf-tracker wrap: ${(error as Error).message}\n`);
    return 1;
  }

  const ts = Date.now();
  // Not performance.now(): its first use loads perf_hooks, a millisecond before the child starts.
  const started = process.hrtime.bigint();
  const { file, args: childArgs } = commandToSpawn(args.command);
  const pipeStdin = !isatty(0);
  const child = spawn(file, childArgs, { stdio: [pipeStdin ? 'pipe' : 'inherit', 'pipe', 'inherit'] });

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; spawnError?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, spawnError: error }));
    child.once('close', (code, signal) => resolve({ code, signal }));
  });

  let forwarded: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    forwarded ??= signal;
    child.kill(signal);
  };
  for (const signal of FORWARDED_SIGNALS) process.on(signal, onSignal);

  const stdinCopy: Buffer[] = [];
  let stdinSeen = 0;
  let stdinEnded = !pipeStdin;
  const input = pipeStdin ? process.stdin : undefined;
  if (input !== undefined) {
    const sink = child.stdin!;
    let sinkOpen = true;
    // EPIPE: the hook exited without reading all its input, which it may.
    sink.on('error', () => {
      sinkOpen = false;
    });
    input.on('data', (chunk: Buffer) => {
      if (stdinSeen < STDIN_CAP) stdinCopy.push(chunk.subarray(0, STDIN_CAP - stdinSeen));
      stdinSeen += chunk.length;
      if (sinkOpen && !sink.write(chunk)) {
        input.pause();
        sink.once('drain', () => input.resume());
      }
    });
    input.once('end', () => {
      stdinEnded = true;
      if (sinkOpen) sink.end();
    });
    input.once('error', () => {
      if (sinkOpen) sink.end();
    });
  }

  const stdoutCopy: Buffer[] = [];
  let stdoutSeen = 0;
  let stdoutOpen = true;
  process.stdout.on('error', () => {
    // Our reader went away; keep draining the child so it is not blocked on a full pipe.
    stdoutOpen = false;
  });
  const out = child.stdout!;
  out.on('data', (chunk: Buffer) => {
    if (stdoutSeen + chunk.length <= STDOUT_CAP) stdoutCopy.push(chunk);
    stdoutSeen += chunk.length;
    if (stdoutOpen && !process.stdout.write(chunk)) {
      out.pause();
      process.stdout.once('drain', () => out.resume());
    }
  });

  const { code, signal, spawnError } = await exited;
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  for (const s of FORWARDED_SIGNALS) process.off(s, onSignal);
  // The child is gone: stop waiting for the rest of our stdin, or the process would linger.
  input?.destroy();

  return finishWrap({
    args,
    ts,
    durationMs,
    code,
    signal,
    spawnError,
    forwarded,
    stdin: Buffer.concat(stdinCopy),
    stdinComplete: stdinEnded && stdinSeen <= STDIN_CAP,
    stdout: stdoutSeen > STDOUT_CAP ? undefined : Buffer.concat(stdoutCopy),
  });
}
