import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';

/** One process for {@link HookLauncher.launch} to start. */
export interface LaunchRequest {
  /** The argument vector; `argv[0]` is looked up on `PATH`. */
  readonly argv: readonly string[];
  /** The working directory. */
  readonly cwd: string;
  /** Variables set on top of the batch's environment. */
  readonly env?: Readonly<Record<string, string>> | undefined;
}

/** Options for {@link startHookLauncher}. */
export interface StartHookLauncherOptions {
  /** The environment the launcher starts with; {@link HookLauncher.launch} says what the hooks get. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** @default '/usr/bin/perl' */
  readonly perl?: string;
}

/** Options for {@link HookLauncher.launch}. */
export interface LaunchOptions {
  /** The environment every process starts from. */
  readonly env: Readonly<Record<string, string>>;
  /** Written to every process's stdin, which is then closed. */
  readonly stdin: string;
}

/**
 * The fewest first hooks worth a launcher. Its start-up delays the first hook by about 5 ms; it
 * wins that back from about a dozen hooks on (measured for `run`: even at 12, 3 to 5 ms faster at
 * 16 to 21, 3 to 6 ms slower at 2 to 5).
 */
export const MIN_LAUNCHED_HOOKS = 12;
/** select() watches at most 1,024 descriptors, and each process takes four. */
export const MAX_LAUNCHED_HOOKS = 200;
/** Set to `0` to start every hook with Node's own spawn. */
export const HOOK_LAUNCHER_ENV_VAR = 'WHITEBOX_HOOK_LAUNCHER';
/**
 * The error code of a launched hook whose launcher failed or died before forking it: the hook never
 * ran, so the caller can start it another way (`runCommandHook` spawns it).
 */
export const LAUNCHER_UNAVAILABLE = 'ELAUNCHER_UNAVAILABLE';
/** The error code of a launched hook whose launcher died after forking it; the hook was killed. */
export const LAUNCHER_GONE = 'ELAUNCHER_GONE';
const DEFAULT_PERL = '/usr/bin/perl';

/**
 * The launcher, in Perl because Perl is on every Linux distribution with a package manager and on
 * macOS, starts in 3 ms, and forks a 5 MB process where Node forks 50 MB and waits for each exec.
 *
 * It starts before the hooks are known, so that its start-up overlaps the executor's. stdin: the
 * lengths in bytes of the batch and of the input, a newline, the batch, then the input every
 * process reads; stdin closed without them: nothing to do. The batch is NUL-separated fields: the
 * count of variables to unset and their names; the count to set and name/value pairs; the count of
 * processes, then for each its cwd, argv count and argv, env count and name/value pairs. stdout:
 * frames `<type> <index> <length>\n<payload>`: `S` forked (payload: pid), `X` its program runs,
 * `F` could not start (errno), `O`/`R` stdout/stderr bytes (empty: end of stream), `E` reaped (raw
 * wait status).
 * Every process leads its own process group, as with spawn's `detached`.
 */
export const HOOK_LAUNCHER_SCRIPT = String.raw`
$SIG{PIPE} = 'IGNORE';
# A write of at most PIPE_BUF bytes to a pipe select() calls writable does not block.
my $pipe_buf = $^O eq 'linux' ? 4096 : 512;
# Read exactly the header, batch and input: end of file would come only on Node's next turn.
my ($stdin, $newline) = ('', -1);
while (($newline = index($stdin, "\n")) < 0) { sysread(STDIN, $stdin, 65536, length $stdin) or exit 0 }
my ($size, $input_size) = split(/ /, substr($stdin, 0, $newline));
while (length($stdin) < $newline + 1 + $size + $input_size) { sysread(STDIN, $stdin, 65536, length $stdin) or exit 1 }
my @args = split(/\0/, substr($stdin, $newline + 1, $size), -1);
my $input = substr($stdin, $newline + 1 + $size, $input_size);
my @unset = splice(@args, 0, shift @args);
my @set = splice(@args, 0, 2 * shift @args);
my @hooks;
for my $i (0 .. shift(@args) - 1) {
  my $cwd = shift @args;
  my @argv = splice(@args, 0, shift @args);
  my @env = splice(@args, 0, 2 * shift @args);
  push @hooks, { i => $i, cwd => $cwd, argv => \@argv, env => [@set, @env] };
}
# Descriptors above 2 that Perl opens are close-on-exec, so no hook inherits another's pipes.
open(my $ctl, '>&', \*STDOUT) or exit 1;
binmode $ctl;
open(STDIN, '<', '/dev/null');
open(STDOUT, '>', '/dev/null');

# Frames wait in the outbox and go in one write per round, so that Node wakes once per round.
my $outbox = '';

sub post {
  my ($type, $i, $data) = @_;
  $outbox .= "$type $i " . length($data) . "\n" . $data;
}

sub flush {
  while (length $outbox) {
    my $n = syswrite($ctl, $outbox);
    # 4 is EINTR on Linux and macOS: a hook exiting (SIGCHLD) while Node is slow to read. Perl's
    # safe signals do not restart the call. Any other error: Node has gone.
    if (!defined $n) { next if $! == 4; exit 1 }
    substr($outbox, 0, $n, '');
  }
}

# The exec pipe closes unread when exec succeeds (X); otherwise it carries errno (F).
sub exec_report {
  my ($h) = @_;
  if (sysread($h->{exec}, my $errno, 64)) { post('F', $h->{i}, $errno) } else { post('X', $h->{i}, '') }
  close $h->{exec};
  delete $h->{exec};
}

# The self-pipe: a child that exits while select() waits wakes it.
pipe(my $wake_r, my $wake_w) or exit 1;
$SIG{CHLD} = sub { syswrite($wake_w, 'c') };

my %hook_of_pid;
my $running = 0;
for my $h (@hooks) {
  my ($in_r, $out_w, $err_w, $exec_w);
  my $pid = pipe($in_r, $h->{in}) && pipe($h->{out}, $out_w) && pipe($h->{err}, $err_w) && pipe($h->{exec}, $exec_w) ? fork : undef;
  if (!defined $pid) {
    # Out of descriptors or processes: report it, and close this hook's pipes so none is waited on.
    post('F', $h->{i}, 0 + $!);
    delete @$h{'in', 'out', 'err', 'exec'};
    next;
  }
  if ($pid == 0) {
    $SIG{CHLD} = 'DEFAULT';
    $SIG{PIPE} = 'DEFAULT';
    setpgrp(0, 0);
    if (open(STDIN, '<&', $in_r) && open(STDOUT, '>&', $out_w) && open(STDERR, '>&', $err_w) && chdir($h->{cwd})) {
      delete @ENV{@unset};
      my %set = @{$h->{env}};
      @ENV{keys %set} = values %set;
      my @argv = @{$h->{argv}};
      { exec { $argv[0] } @argv }
    }
    syswrite($exec_w, 0 + $!);
    exit 127;
  }
  # Also from the parent, so the group exists before anyone signals it.
  setpgrp($pid, $pid);
  close $in_r; close $out_w; close $err_w; close $exec_w;
  $h->{pid} = $pid;
  $h->{written} = 0;
  if (length($input) == 0) { close $h->{in}; delete $h->{in} }
  $hook_of_pid{$pid} = $h;
  $running++;
  post('S', $h->{i}, $pid);
}
flush();

for (;;) {
  my ($rin, $win, $open) = ('', '', 0);
  vec($rin, fileno($wake_r), 1) = 1;
  for my $h (@hooks) {
    for my $key ('out', 'err', 'exec') {
      next unless $h->{$key};
      vec($rin, fileno($h->{$key}), 1) = 1;
      $open++;
    }
    vec($win, fileno($h->{in}), 1) = 1 if $h->{in};
  }
  last if $running == 0 && $open == 0;
  next if select(my $rout = $rin, my $wout = $win, undef, undef) < 0;
  if (vec($rout, fileno($wake_r), 1)) {
    sysread($wake_r, my $drained, 512);
    # 1 is WNOHANG on Linux and macOS.
    while ((my $pid = waitpid(-1, 1)) > 0) {
      my $status = $?;
      my $h = delete $hook_of_pid{$pid} or next;
      # Whether it ever ran comes first; its writer is gone, so this read cannot block.
      exec_report($h) if $h->{exec};
      post('E', $h->{i}, $status);
      $running--;
    }
  }
  for my $h (@hooks) {
    if ($h->{in} && vec($wout, fileno($h->{in}), 1)) {
      my $n = syswrite($h->{in}, $input, $pipe_buf, $h->{written});
      $h->{written} += $n if defined $n;
      # undef: EPIPE, the hook exited or closed stdin without reading it, which is its right.
      if (!defined $n || $h->{written} >= length $input) { close $h->{in}; delete $h->{in} }
    }
    exec_report($h) if $h->{exec} && vec($rout, fileno($h->{exec}), 1);
    for my $key ('out', 'err') {
      next unless $h->{$key} && vec($rout, fileno($h->{$key}), 1);
      my $n = sysread($h->{$key}, my $data, 65536);
      post($key eq 'out' ? 'O' : 'R', $h->{i}, $n ? $data : '');
      if (!$n) { close $h->{$key}; delete $h->{$key} }
    }
  }
  flush();
}
`;

/** A stdout or stderr of a {@link LaunchedHook}: `'data'` events until destroyed. */
export class LaunchedOutput extends EventEmitter {
  #destroyed = false;

  constructor(private readonly onDestroy: () => void) {
    super();
  }

  /** Stops delivering data; the launcher lets go once every stream of its batch is destroyed. */
  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.removeAllListeners('data');
    this.onDestroy();
  }

  /** @internal */
  deliver(chunk: Buffer): void {
    if (!this.#destroyed) this.emit('data', chunk);
  }
}

/**
 * One process started by the launcher, shaped like the `ChildProcess` that `runCommandHook` reads:
 * `pid`, `stdout`/`stderr` `'data'`, `'error'` when it could not start, `'exit'` and then
 * `'close'` once both streams have ended, and `kill()`, which signals the process group.
 */
export class LaunchedHook extends EventEmitter {
  /** Known once the launcher has forked it. */
  pid: number | undefined;
  /** The launcher writes stdin. */
  readonly stdin = null;
  readonly stdout: LaunchedOutput;
  readonly stderr: LaunchedOutput;
  #openStreams = 2;
  #exit: [number | null, NodeJS.Signals | null] | undefined;
  #failed = false;
  #pendingSignal: NodeJS.Signals | undefined;
  #onRunning!: () => void;
  /** Settles once its program runs (the exec succeeded), or it could not start. */
  readonly running = new Promise<void>((resolve) => {
    this.#onRunning = resolve;
  });

  constructor(
    readonly file: string,
    onDestroy: () => void,
  ) {
    super();
    this.stdout = new LaunchedOutput(onDestroy);
    this.stderr = new LaunchedOutput(onDestroy);
  }

  /** Signals the process group (the process alone if the group is gone); before the fork, at the fork. */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.pid === undefined || this.#failed) {
      this.#pendingSignal = signal;
      return true;
    }
    try {
      process.kill(-this.pid, signal);
    } catch {
      try {
        process.kill(this.pid, signal);
      } catch {
        return false;
      }
    }
    return true;
  }

  /** @internal */
  started(pid: number): void {
    this.pid = pid;
    if (this.#pendingSignal !== undefined) this.kill(this.#pendingSignal);
  }

  /**
   * @internal Could not start: as Node's spawn reports it. Without an errno the launcher itself is
   * gone: {@link LAUNCHER_GONE} once it had forked this hook, {@link LAUNCHER_UNAVAILABLE} before.
   */
  failed(errno: number, message?: string): void {
    if (this.#failed || this.#exit !== undefined) return;
    const forked = this.pid !== undefined;
    this.#failed = true;
    this.pid = undefined;
    this.#onRunning();
    const code = errno > 0 ? process.getBuiltinModule('node:util').getSystemErrorName(-errno) : forked ? LAUNCHER_GONE : LAUNCHER_UNAVAILABLE;
    const error: NodeJS.ErrnoException = new Error(message ?? `spawn ${this.file} ${code}`);
    error.code = code;
    error.errno = -errno;
    this.emit('error', error);
  }

  /** @internal */
  executed(): void {
    this.#onRunning();
  }

  /** @internal */
  output(stream: 'O' | 'R', chunk: Buffer): void {
    const target = stream === 'O' ? this.stdout : this.stderr;
    if (chunk.length > 0) {
      target.deliver(chunk);
      return;
    }
    this.#openStreams--;
    this.#maybeClose();
  }

  /** @internal `status` is the raw wait status. */
  exited(status: number): void {
    if (this.#failed || this.#exit !== undefined) return;
    const signalNumber = status & 0x7f;
    this.#exit = signalNumber === 0 ? [status >> 8, null] : [null, signalName(signalNumber)];
    this.emit('exit', ...this.#exit);
    this.#maybeClose();
  }

  /** Whether it exited or could not start. */
  get settled(): boolean {
    return this.#failed || this.#exit !== undefined;
  }

  #maybeClose(): void {
    if (this.#exit !== undefined && this.#openStreams === 0 && !this.#failed) this.emit('close', ...this.#exit);
  }
}

/**
 * Whether the launcher can carry `request`: its fields are NUL-separated, so none may contain a
 * NUL byte. Node's spawn rejects such an argument with a clear error; let it.
 */
export function isLaunchable(request: LaunchRequest): boolean {
  const fields = [request.cwd, ...request.argv, ...Object.entries(request.env ?? {}).flat()];
  return fields.every((field) => !field.includes('\0'));
}

/**
 * Starts the Perl launcher (see {@link HOOK_LAUNCHER_SCRIPT}), which then starts a batch of hooks
 * for one Node `spawn`. Node forks its whole process per child and waits for each exec: about
 * 1.3 ms per hook here, in series, before the last hook starts.
 *
 * Returns `undefined` when the launcher does not apply: not Linux or macOS, no Perl, or
 * `WHITEBOX_HOOK_LAUNCHER=0`. The caller then spawns as usual.
 */
export function startHookLauncher(options: StartHookLauncherOptions): HookLauncher | undefined {
  const perl = options.perl ?? DEFAULT_PERL;
  if (
    (process.platform !== 'linux' && process.platform !== 'darwin') ||
    options.env[HOOK_LAUNCHER_ENV_VAR] === '0' ||
    statSync(perl, { throwIfNoEntry: false }) === undefined
  ) {
    return undefined;
  }
  return new HookLauncher(perl, options.env);
}

/** A Perl launcher, started and waiting for its one batch: {@link HookLauncher.launch} or {@link HookLauncher.cancel}. */
export class HookLauncher {
  readonly #child: ChildProcess;
  readonly #env: Readonly<Record<string, string>>;
  #used = false;
  /** Why the launcher is gone, once it is. */
  #ended: string | undefined;
  #onEnded: ((why: string) => void) | undefined;

  /** @internal Use {@link startHookLauncher}. */
  constructor(perl: string, env: Readonly<Record<string, string | undefined>>) {
    // Perl reads PERL5OPT, PERL5LIB, PERL_UNICODE and the like: the launcher runs without them, and
    // the hooks get them back with the rest of their environment.
    const own: Record<string, string> = {};
    for (const [key, value] of Object.entries(env)) if (value !== undefined && !key.startsWith('PERL')) own[key] = value;
    // The C locale spares Perl reading locale files at start-up; it handles bytes only.
    own['LC_ALL'] = 'C';
    this.#env = own;
    // Perl's stderr is ours: it says nothing unless Perl itself fails, and then the user should see it.
    this.#child = spawn(perl, ['-e', HOOK_LAUNCHER_SCRIPT], { env: own, detached: true, stdio: ['pipe', 'pipe', 'inherit'] });
    this.#child.stdin?.on('error', () => {
      // EPIPE: the launcher died; its exit reports that.
    });
    const end = (why: string): void => {
      this.#ended ??= why;
      this.#onEnded?.(this.#ended);
    };
    this.#child.once('error', (error) => end(`could not start (${error.message})`));
    this.#child.once('close', (code, signal) => end(code === 0 ? 'exited before its hooks did' : `ended early (${signal ?? `exit ${code}`})`));
  }

  /**
   * Starts `requests`, each in its own process group, with `options.env` plus its own `env`, and
   * `options.stdin` on stdin. Once per launcher.
   *
   * @throws {TypeError} When called twice, with no requests or more than {@link MAX_LAUNCHED_HOOKS},
   * or with a request that is not {@link isLaunchable}.
   */
  launch(requests: readonly LaunchRequest[], options: LaunchOptions): LaunchedHook[] {
    if (this.#used) throw new TypeError('A HookLauncher launches one batch; start another launcher');
    if (requests.length === 0 || requests.length > MAX_LAUNCHED_HOOKS) {
      throw new TypeError(`Expected 1 to ${MAX_LAUNCHED_HOOKS} requests, got ${requests.length}`);
    }
    const invalid = requests.findIndex((request) => !isLaunchable(request));
    if (invalid !== -1) throw new TypeError(`Expected request ${invalid} to have no NUL byte in its argv, cwd or env`);
    this.#used = true;
    const unset = Object.keys(this.#env).filter((key) => options.env[key] === undefined);
    const set = Object.entries(options.env).filter(([key, value]) => this.#env[key] !== value);
    const fields = [String(unset.length), ...unset, String(set.length), ...set.flat(), String(requests.length)];
    for (const request of requests) {
      const env = Object.entries(request.env ?? {});
      fields.push(request.cwd, String(request.argv.length), ...request.argv, String(env.length), ...env.flat());
    }
    const batch = fields.join('\0');

    const child = this.#child;
    let streamsOpen = requests.length * 2;
    let released = false;
    const release = (): void => {
      if (--streamsOpen > 0) return;
      released = true;
      // Every hook has settled; a grandchild still writing to a pipe gets EPIPE, as with spawn.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      child.stdout?.destroy();
      child.unref();
    };
    const hooks = requests.map((request) => new LaunchedHook(request.argv[0] ?? '', release));
    const abandon = (why: string): void => {
      if (released) return;
      for (const hook of hooks) {
        if (hook.settled) continue;
        if (hook.pid !== undefined) hook.kill('SIGKILL');
        hook.failed(0, `the hook launcher ${why}`);
      }
    };
    this.#onEnded = abandon;
    // After the caller has attached its listeners.
    if (this.#ended !== undefined) process.nextTick(abandon, this.#ended);
    const parser = new FrameParser(hooks);
    child.stdout?.on('data', (chunk: Buffer) => parser.push(chunk));
    child.stdin?.end(`${Buffer.byteLength(batch)} ${Buffer.byteLength(options.stdin)}\n${batch}${options.stdin}`);
    return hooks;
  }

  /** Lets the launcher go without a batch: it exits at once. */
  cancel(): void {
    if (this.#used) return;
    this.#used = true;
    this.#child.stdin?.end();
    this.#child.unref();
    this.#child.stdout?.destroy();
  }
}

/** Splits the launcher's stdout into frames and hands each to its hook. */
class FrameParser {
  #pending: Buffer | undefined;

  constructor(private readonly hooks: readonly LaunchedHook[]) {}

  push(chunk: Buffer): void {
    const buffer = this.#pending === undefined ? chunk : Buffer.concat([this.#pending, chunk]);
    let at = 0;
    for (;;) {
      const newline = buffer.indexOf(10, at);
      if (newline === -1) break;
      const [type, index, length] = buffer.toString('latin1', at, newline).split(' ');
      const end = newline + 1 + Number(length);
      if (buffer.length < end) break;
      const payload = buffer.subarray(newline + 1, end);
      at = end;
      const hook = this.hooks[Number(index)];
      if (hook === undefined) continue;
      if (type === 'O' || type === 'R') hook.output(type, payload);
      else if (type === 'S') hook.started(Number(payload.toString('latin1')));
      else if (type === 'X') hook.executed();
      else if (type === 'E') hook.exited(Number(payload.toString('latin1')));
      else if (type === 'F') hook.failed(Number(payload.toString('latin1')));
    }
    this.#pending = at === buffer.length ? undefined : buffer.subarray(at);
  }
}

let signalNames: Map<number, NodeJS.Signals> | undefined;

function signalName(signalNumber: number): NodeJS.Signals {
  // node:os loads only here: a hook killed by a signal is rare, and the hot path pays for every import.
  signalNames ??= new Map(Object.entries(process.getBuiltinModule('node:os').constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));
  return signalNames.get(signalNumber) ?? 'SIGKILL';
}
