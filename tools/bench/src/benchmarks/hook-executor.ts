import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineBenchmark, type Benchmark } from '../define-benchmark.js';

/**
 * hook-executor against the baselines its issue names, for 21 hooks of 50 ms each: a sequential
 * loop, `node -e 0` + `xargs -P 21`, lefthook `parallel: true`, `xargs -P 21` alone, and bare
 * `node -e 0` for start-up. Everything is a real process started the way its user would start it;
 * the executor is the bundled bin (run `nx run-many -t build -p hook-executor` first).
 *
 * The one-shot rows run each side once, untimed, before each timed run (`warmEach`). This VM's CPU
 * slows down while idle: `hook-executor run` takes about 153 ms after busy work and 176 ms after a
 * second of idling (and `node -e 0 && xargs -P 21` 138 and 155 ms), so without it the candidate
 * that follows the mostly sleeping sequential loop pays a penalty the other rows' candidates do not.
 */

const HOOKS = 21;
const SLEEP = 'sleep 0.05';
const BIN = fileURLToPath(new URL('../../../../packages/hook-executor/bin/hook-executor.js', import.meta.url));
const LEFTHOOK = fileURLToPath(new URL('../../node_modules/.bin/lefthook', import.meta.url));
// 1,000, so that the p99 is the 10th-slowest request of a run rather than the 2nd.
const REQUESTS_PER_RUN = 1000;

const input = (dir: string, event: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ session_id: 'bench', transcript_path: path.join(dir, 't.jsonl'), cwd: dir, hook_event_name: event, ...extra });

interface Project {
  readonly dir: string;
  readonly prompt: string;
  readonly stop: string;
  readonly batch: string;
}

let project: Project | undefined;

/** A project whose UserPromptSubmit has 21 `sleep 0.05` command hooks, PostToolBatch 21 module hooks, Stop none. */
function createProject(): Project {
  if (project) return project;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-hook-executor-'));
  mkdirSync(path.join(dir, '.claude'), { recursive: true });
  writeFileSync(path.join(dir, '.claude', 'noop.mjs'), 'export default () => undefined;\n');
  const hooks = (make: (i: number) => Record<string, unknown>) => Array.from({ length: HOOKS }, (_, i) => ({ id: `h${i + 1}`, ...make(i) }));
  writeFileSync(
    path.join(dir, '.claude', 'hook-executor.json'),
    JSON.stringify({
      events: {
        UserPromptSubmit: { hooks: hooks(() => ({ command: SLEEP })) },
        PostToolBatch: { hooks: hooks(() => ({ module: 'noop.mjs' })) },
        Stop: { hooks: [] },
      },
    }),
  );
  // lefthook needs a git repository and its own config beside it.
  spawnSync('git', ['init', '-q', dir], { stdio: 'ignore' });
  const jobs = Array.from({ length: HOOKS }, (_, i) => `    h${i + 1}:\n      run: ${SLEEP}`).join('\n');
  writeFileSync(path.join(dir, 'lefthook.yml'), `hx:\n  parallel: true\n  commands:\n${jobs}\n`);
  project = {
    dir,
    prompt: input(dir, 'UserPromptSubmit', { prompt: 'benchmark' }),
    stop: input(dir, 'Stop', { stop_hook_active: false }),
    batch: input(dir, 'PostToolBatch', { tool_calls: [] }),
  };
  return project;
}

function removeProject(): void {
  if (project) rmSync(project.dir, { recursive: true, force: true });
  project = undefined;
}

/** Runs a process to its end, with `stdin` piped in; rejects on a non-zero exit. */
function run(file: string, args: readonly string[], options: { stdin?: string; cwd?: string } = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: { ...process.env, CLAUDE_PROJECT_DIR: options.cwd ?? process.cwd(), NO_COLOR: '1' },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${file} ${args.join(' ')} exited with ${code}`))));
    child.stdin?.on('error', () => {});
    child.stdin?.end(options.stdin ?? '');
  });
}

const sequentialLoop = () => run('sh', ['-c', `for i in $(seq ${HOOKS}); do ${SLEEP}; done`]);
const oneShot = () => run(process.execPath, [BIN, 'run', '--event', 'UserPromptSubmit', '--no-forward'], { stdin: createProject().prompt, cwd: createProject().dir });

const runTargets = 'issue 3: one-shot run of 21 command hooks of 50 ms';
/** The floor under any Node hook runner: Node's start-up, then the hooks through `xargs -P 21`. */
const nodeThenXargs = { label: 'node -e 0 + xargs -P 21', run: () => run('sh', ['-c', `node -e 0 && seq ${HOOKS} | xargs -P ${HOOKS} -I{} ${SLEEP}`]) };

/** One-shot `hook-executor run` against the hooks one after another. */
export const hookExecutorRunVsSequential = defineBenchmark({
  name: 'hook-executor-run',
  description: `hook-executor run (one-shot, Node start-up included): ${HOOKS} command hooks of 50 ms vs a sequential loop`,
  pkg: '@whitebox/hook-executor',
  runs: 15,
  warmEach: true,
  setup: () => void createProject(),
  teardown: removeProject,
  baseline: { label: 'sequential loop', run: sequentialLoop },
  candidate: { label: 'hook-executor run', run: oneShot },
  targets: [{ metric: 'speedup', min: 7, note: `${runTargets}: ≥ 7× sequential` }],
});

/** One-shot `hook-executor run` against the floor of any Node hook runner: Node's start-up, then xargs. */
export const hookExecutorRunVsXargs = defineBenchmark({
  name: 'hook-executor-run-xargs',
  description: `hook-executor run vs \`node -e 0\` then \`xargs -P ${HOOKS}\` over the same hooks`,
  pkg: '@whitebox/hook-executor',
  runs: 15,
  warmEach: true,
  setup: () => void createProject(),
  teardown: removeProject,
  baseline: nodeThenXargs,
  candidate: { label: 'hook-executor run', run: oneShot },
  targets: [{ metric: 'relative', max: 1.15, note: `${runTargets}: ≤ 1.15 × (node -e 0 + xargs -P 21)` }],
});

/**
 * The floor under any one-shot Node hook runner: the smallest Node program that starts 21 hooks
 * with piped stdio and waits for them, against the same xargs baseline. Node forks its whole
 * process, synchronously, to start each child (about 1 ms here), where xargs forks a 2 MB one;
 * this row shows how much of `hook-executor-run-xargs` is that, and how much is the executor.
 */
const FLOOR_SCRIPT = `
const { spawn } = require('node:child_process');
const input = require('node:fs').readFileSync(0);
for (let i = 0; i < ${HOOKS}; i++) {
  const child = spawn('sleep', ['0.05'], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  child.stdout.resume();
  child.stderr.resume();
  child.stdin.end(input);
}`;

export const hookExecutorRunFloor = defineBenchmark({
  name: 'hook-executor-run-floor',
  description: `the Node floor: a minimal Node script that spawns ${HOOKS} hooks with pipes vs \`node -e 0\` then \`xargs -P ${HOOKS}\``,
  pkg: '@whitebox/hook-executor',
  runs: 15,
  warmEach: true,
  setup: () => void createProject(),
  teardown: removeProject,
  baseline: nodeThenXargs,
  candidate: { label: 'minimal Node spawner', run: () => run(process.execPath, ['-e', FLOOR_SCRIPT], { stdin: createProject().prompt }) },
});

/** One-shot `hook-executor run` against lefthook running the same hooks with `parallel: true`. */
export const hookExecutorRunVsLefthook = defineBenchmark({
  name: 'hook-executor-run-lefthook',
  description: `hook-executor run vs lefthook 2.2 \`run\` with \`parallel: true\` (${HOOKS} jobs of 50 ms)`,
  pkg: '@whitebox/hook-executor',
  runs: 9,
  warmEach: true,
  setup: () => void createProject(),
  teardown: removeProject,
  baseline: { label: 'lefthook parallel', run: () => run(LEFTHOOK, ['run', 'hx', '--no-tty'], { cwd: createProject().dir }) },
  candidate: { label: 'hook-executor run', run: oneShot },
  targets: [{ metric: 'relative', max: 1, note: `${runTargets}: no slower than lefthook parallel` }],
});

/** The fixed cost of the CLI: an event with no hooks, against a bare Node start. */
export const hookExecutorStartup = defineBenchmark({
  name: 'hook-executor-startup',
  description: 'hook-executor run for an event with no hooks (the CLI\'s own start-up) vs bare `node -e 0`',
  pkg: '@whitebox/hook-executor',
  runs: 15,
  warmEach: true,
  setup: () => void createProject(),
  teardown: removeProject,
  baseline: { label: 'node -e 0', run: () => run(process.execPath, ['-e', '0']) },
  candidate: {
    label: 'hook-executor run (no hooks)',
    run: () => run(process.execPath, [BIN, 'run', '--event', 'Stop', '--no-forward'], { stdin: createProject().stop, cwd: createProject().dir }),
  },
  targets: [{ metric: 'relative', max: 1.2, note: 'issue 3: CLI start-up ≤ 1.2 × bare node -e 0' }],
});

// --- Server mode -----------------------------------------------------------------------------

interface Server {
  readonly child: ChildProcess;
  readonly port: number;
  readonly token: string;
}

let server: Server | undefined;

async function startServer(): Promise<void> {
  const { dir } = createProject();
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--json', '-q'], {
    cwd: dir,
    env: { ...process.env, CLAUDE_PROJECT_DIR: dir },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.once('error', reject);
    child.once('close', (code) => reject(new Error(`hook-executor serve exited with ${code}`)));
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('\n')) resolve(out.split('\n')[0] as string);
    });
  });
  const info = JSON.parse(line) as { port: number; tokenFile: string };
  server = { child, port: info.port, token: readFileSync(info.tokenFile, 'utf8').trim() };
}

async function stopServer(): Promise<void> {
  const child = server?.child;
  server = undefined;
  if (child && child.exitCode === null) {
    const closed = new Promise((resolve) => child.once('close', resolve));
    child.kill('SIGTERM');
    await closed;
  }
  removeProject();
}

/** One POST as Claude Code's http hook makes it: a fresh loopback connection, the input as the body. */
function post(event: string, body: string, target: { readonly port: number; readonly token: string } = server as Server): Promise<void> {
  const { port, token } = target;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path: `/hooks/${event}`, agent: false, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.once('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.once('error', reject);
    req.end(body);
  });
}

/** Milliseconds of each of `count` back-to-back requests. */
async function latencies(count: number, event: string, body: string, target?: { readonly port: number; readonly token: string }): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await post(event, body, target);
    ms.push(performance.now() - start);
  }
  return ms;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const serverCommands = { label: 'hook-executor serve (HTTP)', run: () => post('UserPromptSubmit', createProject().prompt) };

/** The resident server over loopback HTTP, 21 command hooks, against the sequential loop. */
export const hookExecutorServerVsSequential = defineBenchmark({
  name: 'hook-executor-server',
  description: `hook-executor serve, one POST per event as Claude Code's http hook: ${HOOKS} command hooks of 50 ms vs a sequential loop`,
  pkg: '@whitebox/hook-executor',
  runs: 7,
  setup: startServer,
  teardown: stopServer,
  baseline: { label: 'sequential loop', run: sequentialLoop },
  candidate: serverCommands,
  targets: [{ metric: 'speedup', min: 10, note: 'issue 3: server mode ≥ 10× sequential' }],
});

/** The resident server against `xargs -P 21` with no Node start-up at all. */
export const hookExecutorServerVsXargs = defineBenchmark({
  name: 'hook-executor-server-xargs',
  description: `hook-executor serve (HTTP) vs \`xargs -P ${HOOKS}\` over the same hooks, no Node start-up`,
  pkg: '@whitebox/hook-executor',
  runs: 11,
  setup: startServer,
  teardown: stopServer,
  baseline: { label: 'xargs -P 21', run: () => run('sh', ['-c', `seq ${HOOKS} | xargs -P ${HOOKS} -I{} ${SLEEP}`]) },
  candidate: serverCommands,
  targets: [{ metric: 'relative', max: 1.1, note: 'issue 3: server mode ≤ 1.1 × xargs -P 21' }],
});

/**
 * The floor for any Node hook server on this machine: a bare `node:http` server in its own
 * process that reads the body and answers `{}`, with no auth, validation, hooks or merge.
 */
const BARE_SERVER = `
const server = require('node:http').createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 }).end('{}'));
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

let bare: { readonly child: ChildProcess; readonly port: number } | undefined;

async function startBareServer(): Promise<void> {
  const child = spawn(process.execPath, ['-e', BARE_SERVER], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout?.setEncoding('utf8').once('data', (chunk: string) => resolve(Number(chunk.trim())));
  });
  bare = { child, port };
}

function stopBareServer(): void {
  bare?.child.kill('SIGTERM');
  bare = undefined;
}

/**
 * 21 warm module hooks per event over HTTP. Each run makes {@link REQUESTS_PER_RUN} back-to-back requests and
 * reports the p50 (this benchmark) or the p99 (the next) of their latencies. The baseline makes the same
 * requests to a bare Node HTTP server: what the machine and the client cost before any hook work.
 */
function moduleBenchmark(p: 50 | 99, max: number): Benchmark {
  return defineBenchmark({
    name: `hook-executor-server-modules-p${p}`,
    description: `hook-executor serve, ${HOOKS} warm module hooks per event: p${p} of ${REQUESTS_PER_RUN} requests per run, vs a bare node:http server`,
    pkg: '@whitebox/hook-executor',
    runs: 5,
    setup: async () => {
      await startServer();
      await startBareServer();
    },
    teardown: async () => {
      stopBareServer();
      await stopServer();
    },
    baseline: {
      label: `bare node:http, p${p}`,
      run: async () => percentile(await latencies(REQUESTS_PER_RUN, 'PostToolBatch', createProject().batch, { port: (bare as { port: number }).port, token: 'none' }), p),
    },
    candidate: { label: `HTTP event, p${p}`, run: async () => percentile(await latencies(REQUESTS_PER_RUN, 'PostToolBatch', createProject().batch), p) },
    targets: [{ metric: 'candidate', max, note: `issue 3: 21 module hooks p${p} ≤ ${max} ms per event` }],
  });
}

export const hookExecutorServerModulesP50 = moduleBenchmark(50, 1);
export const hookExecutorServerModulesP99 = moduleBenchmark(99, 5);

/** Every hook-executor benchmark, in the order the README lists them. */
export const hookExecutorBenchmarks: readonly Benchmark[] = [
  hookExecutorRunVsSequential,
  hookExecutorRunVsXargs,
  hookExecutorRunFloor,
  hookExecutorRunVsLefthook,
  hookExecutorStartup,
  hookExecutorServerVsSequential,
  hookExecutorServerVsXargs,
  hookExecutorServerModulesP50,
  hookExecutorServerModulesP99,
];
