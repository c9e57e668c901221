import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled CLI, as Claude Code would run it. */
export const BIN = fileURLToPath(new URL('../../bin/hook-executor.js', import.meta.url));

// CI clones the repository next to `shared/`, so the fixtures live at <repo root>/../shared.
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const fixturesDir = path.resolve(repoRoot, '..', 'shared', 'fixtures', 'claude-code-2.1.332');

/** A real hook input captured from Claude Code 2.1.332, e.g. `fixtureInput('bash-hooks', '02-PreToolUse.json')`. */
export function fixtureInput(scenario: string, file: string): string {
  const full = path.join(fixturesDir, scenario, 'hook-inputs', file);
  if (!existsSync(full)) {
    throw new Error(`Real Claude Code hook input not found at ${full}; the tests expect shared/ beside the repository clone.`);
  }
  return readFileSync(full, 'utf8');
}

/** A temporary project directory with a `.claude/hook-executor.json`. */
export interface FixtureProject {
  readonly dir: string;
  readonly configPath: string;
  writeConfig(config: unknown): Promise<void>;
  file(relative: string): string;
  cleanup(): Promise<void>;
}

/** Creates a project in the OS temp directory; remember to `cleanup()`. */
export async function createFixtureProject(config?: unknown): Promise<FixtureProject> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hook-executor-test-'));
  await mkdir(path.join(dir, '.claude'), { recursive: true });
  const configPath = path.join(dir, '.claude', 'hook-executor.json');
  const project: FixtureProject = {
    dir,
    configPath,
    writeConfig: (value) => writeFile(configPath, typeof value === 'string' ? value : JSON.stringify(value, null, 2)),
    file: (relative) => path.join(dir, relative),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
  if (config !== undefined) await project.writeConfig(config);
  return project;
}

/** What a spawned CLI did. */
export interface BinResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the bundled CLI with `input` on stdin, in `cwd`, with Claude Code's environment. */
export function runBin(
  args: readonly string[],
  options: { readonly input?: string; readonly cwd: string; readonly env?: Record<string, string> },
): Promise<BinResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd,
      env: { ...process.env, CLAUDE_PROJECT_DIR: options.cwd, NO_COLOR: '1', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A shell command that prints `value` as JSON on stdout. */
export function printJson(value: unknown): string {
  return `printf '%s' '${JSON.stringify(value).replaceAll("'", "'\\''")}'`;
}

/** Tells whether a process exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name: Z is a zombie.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Polls `check` every 20 ms for up to 2 s; resolves with its last answer. */
export async function waitFor(check: () => boolean | Promise<boolean>): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}
