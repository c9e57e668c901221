import { z } from 'zod';
import { RECEIVES_OUTPUTS_KEY } from './executor-constants.js';

/** What one dependency's run looks like to a hook that receives outputs. */
export interface DependencyOutput {
  /** The exit code; `null` when the hook was killed or never ran. */
  readonly exit_code: number | null;
  /** Its stdout (capped like every capture). */
  readonly stdout: string;
  /** Its stderr (capped). */
  readonly stderr: string;
  /** stdout parsed as JSON when it is a JSON object, the way Claude Code would read it. */
  readonly output?: Record<string, unknown>;
  /** It was killed at its timeout or the event deadline. */
  readonly timed_out: boolean;
  /** Wall time in milliseconds. */
  readonly duration_ms: number;
}

const failurePolicy = z
  .enum(['allow', 'block'])
  .describe('"allow" fails open (Claude Code\'s behaviour: no decision); "block" fails closed (the event is blocked).');

const seconds = (what: string) =>
  z
    .number()
    .positive()
    .describe(`${what}, in seconds (as in Claude Code settings, not milliseconds).`);

const hookId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][\w.:-]*$/, 'expected letters, digits, "_", "-", "." or ":", starting with a letter or digit');

/**
 * One hook of an event. Exactly one of `command` or `module` is set; `args` turns `command` into
 * exec form (no shell).
 */
export const ExecutorHookSchema = z
  .strictObject({
    id: hookId.describe('Unique within its event. Names the hook in `after`, in timing records and in messages.'),
    description: z.string().optional().describe('Free text for people; ignored by the executor.'),
    matcher: z
      .string()
      .optional()
      .describe(
        'Claude Code matcher for events that have one (tool name, SessionStart source, ...): omitted, "" or "*" matches all; ' +
          'letters, digits, "_", "-", "," and "|" only is an exact list; anything else is an unanchored regular expression.',
      ),
    command: z
      .string()
      .min(1)
      .optional()
      .describe('Shell command run with `sh -c` (shell form), or the executable when `args` is set (exec form).'),
    args: z.array(z.string()).optional().describe('Exec form: the argument vector; no shell is involved.'),
    shell: z.string().min(1).optional().describe('Shell for the shell form, e.g. "bash". @default "sh"'),
    module: z
      .string()
      .min(1)
      .optional()
      .describe(
        'A JavaScript module (path relative to this file) exporting `(input, context) => output | Promise<output>`; ' +
          'runs in-process (warm in the server).',
      ),
    export: z.string().min(1).optional().describe('The module export to call. @default "default"'),
    cpu: z.boolean().optional().describe('Run the module hook on a worker thread of the piscina pool (CPU-bound hooks).'),
    timeout: seconds('How long the hook may run before it is killed with its whole process group').optional(),
    after: z.array(hookId).optional().describe('Ids of hooks of the same event that must finish before this one starts.'),
    receivesOutputs: z
      .boolean()
      .optional()
      .describe(`Add the results of the hooks in \`after\` to this hook's input under "${RECEIVES_OUTPUTS_KEY}".`),
    onError: failurePolicy.optional().describe('When the hook fails (cannot start, exits non-zero other than 2, throws). @default "allow"'),
    onTimeout: failurePolicy.optional().describe('When the hook is killed at its timeout or the event deadline. @default "allow"'),
    env: z.record(z.string(), z.string()).optional().describe('Extra environment variables for this hook.'),
    cwd: z.string().min(1).optional().describe('Working directory (relative to this file\'s directory when relative).'),
    origin: z
      .looseObject({
        settings: z.string().optional(),
        matcher: z.string().optional(),
        handler: z.record(z.string(), z.unknown()).optional(),
        with: z.string().optional(),
      })
      .optional()
      .describe('Written by `hook-executor install`: where the hook came from, so `uninstall` can put it back.'),
  })
  .superRefine((hook, ctx) => {
    const handlers = [hook.command !== undefined && 'command', hook.module !== undefined && 'module'].filter(Boolean);
    if (handlers.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: handlers.length === 0 ? ['command'] : ['module'],
        message: handlers.length === 0 ? 'set either "command" or "module"' : 'set only one of "command" and "module"',
      });
    }
    if (hook.module === undefined && (hook.export !== undefined || hook.cpu !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [hook.export !== undefined ? 'export' : 'cpu'],
        message: '"export" and "cpu" apply to "module" hooks only',
      });
    }
    if (hook.command === undefined && (hook.args !== undefined || hook.shell !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [hook.args !== undefined ? 'args' : 'shell'],
        message: '"args" and "shell" apply to "command" hooks only',
      });
    }
    if (hook.args !== undefined && hook.shell !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['shell'], message: '"shell" has no effect in exec form ("args" is set)' });
    }
    if (hook.receivesOutputs === true && (hook.after ?? []).length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['receivesOutputs'],
        message: '"receivesOutputs" needs "after": the outputs passed are those of the hooks it runs after',
      });
    }
  });

/** The settings that apply to all hooks of one event. */
export const ExecutorEventSchema = z.strictObject({
  hooks: z.array(ExecutorHookSchema).describe('The hooks, in configuration order: merging follows this order.'),
  maxConcurrency: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Most hooks of this event running at once. @default unlimited (Claude Code starts every hook at once)'),
  deadline: seconds('Time for the whole event; hooks still running then are killed and count as timed out').optional(),
  shortCircuit: z
    .boolean()
    .optional()
    .describe('Once a hook blocks or denies, cancel the hooks that are still running or waiting: they can no longer change the outcome.'),
  onError: failurePolicy
    .optional()
    .describe('Default `onError` of this event\'s hooks; "block" also makes invalid stdin exit 2 instead of 1. @default "allow"'),
  onTimeout: failurePolicy.optional().describe('Default `onTimeout` of this event\'s hooks. @default "allow"'),
});

/** The resident server's settings (`hook-executor serve`); command-line flags win. */
export const ExecutorServerSchema = z.strictObject({
  host: z.string().min(1).optional().describe('Address to listen on. Only loopback is safe. @default "127.0.0.1"'),
  port: z.number().int().min(0).max(65535).optional().describe('TCP port; 0 picks a free one. @default 47433'),
  socket: z.string().min(1).optional().describe('Listen on this unix socket instead of TCP (for `run` forwarding only).'),
  maxBodyBytes: z.number().int().min(1).optional().describe('Largest request body accepted. @default 16777216 (16 MiB)'),
});

/** The whole of `.claude/hook-executor.json`. */
export const ExecutorConfigSchema = z.strictObject({
  $schema: z.string().optional().describe('The JSON Schema of this file, for editors.'),
  events: z
    .record(z.string().min(1), ExecutorEventSchema)
    .describe('Hook event name (PreToolUse, UserPromptSubmit, ...) → the hooks that run for it.'),
  maxOutputBytes: z
    .number()
    .int()
    .min(1024)
    .optional()
    .describe('Bytes kept of each hook\'s stdout and of its stderr; the rest is read and dropped. @default 1048576 (1 MiB)'),
  timings: z
    .boolean()
    .optional()
    .describe('Append one timing record per hook to .claude/memory/hook_performance.jsonl. @default true'),
  server: ExecutorServerSchema.optional(),
});

/** One hook as configured. */
export type ExecutorHook = z.infer<typeof ExecutorHookSchema>;
/** One event's block of the configuration. */
export type ExecutorEvent = z.infer<typeof ExecutorEventSchema>;
/** The resident server's block. */
export type ExecutorServerConfig = z.infer<typeof ExecutorServerSchema>;
/** The whole configuration file. */
export type ExecutorConfig = z.infer<typeof ExecutorConfigSchema>;
