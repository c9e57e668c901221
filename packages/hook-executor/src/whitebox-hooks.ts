import type { ExecutorHook } from './executor-config.js';

/** The other Whitebox hooks `install --with` can wire, by name. */
export const WHITEBOX_HOOK_NAMES = ['detector', 'perf', 'offload', 'reminder'] as const;

/** One of {@link WHITEBOX_HOOK_NAMES}. */
export type WhiteboxHookName = (typeof WHITEBOX_HOOK_NAMES)[number];

/** A Whitebox hook as executor hooks: the event and the hook for each place it runs. */
export interface WhiteboxHookWiring {
  /** The CLI that must be on PATH. */
  readonly bin: string;
  readonly hooks: readonly { readonly event: string; readonly hook: ExecutorHook }[];
}

const wire = (name: WhiteboxHookName, event: string, hook: Omit<ExecutorHook, 'origin'>) => ({
  event,
  hook: { ...hook, origin: { with: name } } as ExecutorHook,
});

/**
 * How each Whitebox hook is wired, by its CLI command (exec form, so no shell is started):
 * - `detector`: `detect-sequential-agents hook` on PreToolUse for the sub-agent tool, and
 *   `detect-sequential-agents batch` on PostToolBatch, which tells parallel from sequential calls;
 * - `reminder`: `detect-sequential-agents remind` on UserPromptSubmit;
 * - `perf`: `perf-tracker record` on PreToolUse, PostToolUse and PostToolUseFailure;
 * - `offload`: `agent-offload hook` on PreToolUse for Read.
 */
export const WHITEBOX_HOOKS: Readonly<Record<WhiteboxHookName, WhiteboxHookWiring>> = {
  detector: {
    bin: 'detect-sequential-agents',
    hooks: [
      wire('detector', 'PreToolUse', { id: 'detect-sequential-agents', matcher: 'Agent|Task', command: 'detect-sequential-agents', args: ['hook'], timeout: 10 }),
      wire('detector', 'PostToolBatch', { id: 'detect-sequential-agents-batch', command: 'detect-sequential-agents', args: ['batch'], timeout: 10 }),
    ],
  },
  reminder: {
    bin: 'detect-sequential-agents',
    hooks: [wire('reminder', 'UserPromptSubmit', { id: 'detect-sequential-agents-remind', command: 'detect-sequential-agents', args: ['remind'], timeout: 10 })],
  },
  perf: {
    bin: 'perf-tracker',
    hooks: ['PreToolUse', 'PostToolUse', 'PostToolUseFailure'].map((event) =>
      wire('perf', event, { id: 'perf-tracker', command: 'perf-tracker', args: ['record'], timeout: 10 }),
    ),
  },
  offload: {
    bin: 'agent-offload',
    hooks: [wire('offload', 'PreToolUse', { id: 'agent-offload', matcher: 'Read', command: 'agent-offload', args: ['hook'], timeout: 10 })],
  },
};

/**
 * Parses `--with detector,perf` into names.
 * @throws {TypeError} naming the unknown entry and the known ones.
 */
export function parseWhiteboxHookNames(value: string | readonly string[] | undefined): WhiteboxHookName[] {
  if (value === undefined) return [];
  const parts = (typeof value === 'string' ? [value] : value).flatMap((item) => item.split(',')).map((item) => item.trim()).filter(Boolean);
  const names: WhiteboxHookName[] = [];
  for (const part of parts) {
    if (!(WHITEBOX_HOOK_NAMES as readonly string[]).includes(part)) {
      throw new TypeError(`Unknown --with value "${part}"; expected some of ${WHITEBOX_HOOK_NAMES.join(', ')}`);
    }
    if (!names.includes(part as WhiteboxHookName)) names.push(part as WhiteboxHookName);
  }
  return names;
}
