import { z } from 'zod';
import type { ChatMessage } from '@whitebox/core';

const messageSchema = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});

const responseFormatSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('text') }),
  z.strictObject({ type: z.literal('json_object') }),
  z.strictObject({
    type: z.literal('json_schema'),
    json_schema: z.looseObject({
      name: z.string().min(1),
      schema: z.record(z.string(), z.unknown()).optional(),
      strict: z.boolean().nullish(),
      description: z.string().optional(),
    }),
  }),
]);

/**
 * One line of `tasks.jsonl`: an id, and either a `prompt` or a `messages` list. Unknown fields are
 * rejected, so a typo such as `promt` is reported instead of silently sending an empty prompt.
 */
export const SwarmTaskSchema = z
  .strictObject({
    /** Unique within the file; results are keyed by it and always written as a string. */
    id: z.union([z.string().min(1), z.number().int().refine(Number.isSafeInteger, 'must be a safe integer')]),
    /** The user message; exactly one of `prompt` and `messages`. */
    prompt: z.string().optional(),
    /** The whole conversation; exactly one of `prompt` and `messages`. */
    messages: z.array(messageSchema).min(1).optional(),
    /** Overrides `--model`. */
    model: z.string().min(1).optional(),
    /** A system prompt put before the prompt or messages. */
    persona: z.string().min(1).optional(),
    /** Passed to the API as is; with a JSON format the result's `output` is the parsed value. */
    response_format: responseFormatSchema.optional(),
    /** Output token limit; it also makes `--tpm` pacing and budget estimates exact. */
    max_tokens: z.number().int().positive().optional(),
    /** Sampling temperature. */
    temperature: z.number().min(0).max(2).optional(),
    /** Anything the caller wants to keep with the task; not sent. */
    metadata: z.unknown().optional(),
  })
  .superRefine((task, ctx) => {
    const has = (task.prompt === undefined ? 0 : 1) + (task.messages === undefined ? 0 : 1);
    if (has !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: has === 0 ? ['prompt'] : ['messages'],
        message: has === 0 ? 'a task needs `prompt` or `messages`' : 'give `prompt` or `messages`, not both',
      });
    }
  });

/** A task as `runSwarm` takes it; see {@link SwarmTaskSchema}. */
export type SwarmTask = z.infer<typeof SwarmTaskSchema>;

/** The `response_format` a task may carry. */
export type SwarmResponseFormat = NonNullable<SwarmTask['response_format']>;

/** The messages a task sends: its persona as a system message, then its prompt or messages. */
export function taskMessages(task: SwarmTask): ChatMessage[] {
  const body: ChatMessage[] = task.messages ?? [{ role: 'user', content: task.prompt ?? '' }];
  return task.persona === undefined ? body : [{ role: 'system', content: task.persona }, ...body];
}

/** Whether the task asks for JSON, so that its output is parsed. */
export function wantsJson(task: Pick<SwarmTask, 'response_format'>): boolean {
  const type = task.response_format?.type;
  return type === 'json_object' || type === 'json_schema';
}

/**
 * Estimates the prompt tokens of a task the way OpenAI's counting guide does: about four
 * characters per token, plus three per message and three for the reply priming. Only pacing and
 * budget projections use it; recorded usage always comes from the provider.
 */
export function estimatePromptTokens(messages: readonly ChatMessage[]): number {
  let total = 3;
  for (const message of messages) total += Math.ceil(message.content.length / 4) + 3;
  return total;
}
