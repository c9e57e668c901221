import { spawn } from 'node:child_process';

/** Runs a shell command as a real child process and resolves with its exit code. */
export function runCommand(command: string, signal?: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: 'ignore', signal });
    child.once('error', reject);
    child.once('close', (code) => resolve(code ?? 1));
  });
}
