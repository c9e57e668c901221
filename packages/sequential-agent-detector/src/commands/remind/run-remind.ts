import type { SyncHookJSONOutput } from '@whitebox/core';
import { assessPrompt } from '../../assess-prompt.js';
import type { CliContext } from '../../cli-context.js';
import { REMIND_CONTEXT } from '../../teaching-messages.js';
import { runHookCommand } from '../hook-runtime.js';
import type { RemindArgs } from './command.js';

/**
 * The reminder for one prompt, or undefined when the prompt does not look like several
 * independent pieces of work. Background task notifications arrive as prompts too; they are skipped.
 */
export function remindOutput(prompt: string, options: { readonly threshold?: number | undefined } = {}): SyncHookJSONOutput | undefined {
  if (prompt.trimStart().startsWith('<task-notification>')) return undefined;
  const { multiPart } = assessPrompt(prompt, { threshold: options.threshold });
  if (!multiPart) return undefined;
  return { hookSpecificOutput: { hookEventName: 'UserPromptSubmit', additionalContext: REMIND_CONTEXT } };
}

/** Runs the UserPromptSubmit hook: stdin in, a reminder (or nothing) out, always exit 0. */
export async function runRemind(args: RemindArgs, context: CliContext): Promise<void> {
  await runHookCommand(context, args, async ({ input, config, note }) => {
    if (input.event !== 'UserPromptSubmit' || input.prompt === undefined || config.remind === false) {
      note(config.remind === false ? 'remind is off in the config' : `nothing to assess (${input.event})`);
      return {};
    }
    const assessment = assessPrompt(input.prompt, { threshold: args.threshold });
    note(`score ${assessment.score} (${assessment.signals.map((s) => `${s.name} ${s.weight}`).join(', ') || 'no signals'})`);
    return { output: remindOutput(input.prompt, { threshold: args.threshold }) };
  });
}
