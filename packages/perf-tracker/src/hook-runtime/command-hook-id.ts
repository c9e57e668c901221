import { createHash } from 'node:crypto';

/**
 * Core's `hookIdForCommand`, copied so the hook path does not load `@whitebox/core` (see
 * `append-perf-line.ts`); a test keeps the two identical.
 *
 * @example commandHookId('node ~/.claude/hooks/lint.js') // 'cmd:3f2a9c1d0b7e'
 */
export function commandHookId(command: string): string {
  return `cmd:${createHash('sha256').update(command).digest('hex').slice(0, 12)}`;
}
