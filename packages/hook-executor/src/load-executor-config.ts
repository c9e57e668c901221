import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { WhiteboxError, compileMatcher, describeValue, formatPath, formatZodIssues, isHookEvent, matcherFieldFor } from '@whitebox/core';
import { ExecutorConfigSchema } from './executor-config.js';
import type { ExecutorConfig } from './executor-config.js';

/** A configuration that passed validation, with where it came from. */
export interface LoadedExecutorConfig {
  /** The validated configuration. */
  readonly config: ExecutorConfig;
  /** Absolute path of the file; relative `module` and `cwd` paths resolve against its directory. */
  readonly file: string;
  /** The file's directory. */
  readonly dir: string;
  /** Whether the file exists; a missing file loads as an empty configuration when `missingOk`. */
  readonly exists: boolean;
  /** Things that are valid but probably wrong, each naming the field: `<file>: events.X.hooks[0].timeout: ...`. */
  readonly warnings: readonly string[];
}

/** Options for {@link loadExecutorConfig}. */
export interface LoadExecutorConfigOptions {
  /** A missing file loads as `{ events: {} }` instead of failing. @default false */
  readonly missingOk?: boolean;
}

// Claude Code's longest default is 600 s; a value this large is almost always milliseconds.
const MILLISECONDS_THRESHOLD = 1000;

/**
 * Reads and validates `.claude/hook-executor.json`.
 *
 * @throws {WhiteboxError} `CONFIG_INVALID` naming the file and the JSON path at fault (not JSON, a
 * wrong field, duplicate ids, an `after` naming an unknown hook, a dependency cycle, a bad matcher);
 * `IO` when the file cannot be read; `CONFIG_INVALID` for a missing file unless `missingOk`.
 */
export async function loadExecutorConfig(file: string, options: LoadExecutorConfigOptions = {}): Promise<LoadedExecutorConfig> {
  if (typeof file !== 'string' || file === '') {
    throw new TypeError(`Expected \`file\` to be a non-empty string, got ${describeValue(file)}`);
  }
  const absolute = path.resolve(file);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && options.missingOk === true) {
      return { config: { events: {} }, file: absolute, dir: path.dirname(absolute), exists: false, warnings: [] };
    }
    if (code === 'ENOENT') {
      throw new WhiteboxError('CONFIG_INVALID', `${absolute}: file not found. Create it, or run \`hook-executor install\`.`, {
        cause: error,
      });
    }
    throw new WhiteboxError('IO', `Cannot read ${absolute}: ${(error as Error).message}`, { cause: error });
  }
  const { config, warnings } = parseExecutorConfig(text, absolute);
  return { config, file: absolute, dir: path.dirname(absolute), exists: true, warnings };
}

/**
 * Parses and validates the text of a configuration file. `file` only names the file in messages.
 *
 * @throws {WhiteboxError} `CONFIG_INVALID`, as {@link loadExecutorConfig}.
 */
export function parseExecutorConfig(text: string, file: string): { config: ExecutorConfig; warnings: string[] } {
  const source = text.replace(/^\uFEFF/, '');
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return validateExecutorConfig(value, file);
}

/**
 * Validates an already-parsed configuration: the zod schema first, then what a schema cannot say
 * (unique ids, `after` targets, cycles, matchers). Returns warnings for values that are valid but
 * suspicious, such as a `timeout` of 5000 (seconds, so 83 minutes; almost certainly meant as ms).
 *
 * @throws {WhiteboxError} `CONFIG_INVALID` naming the file and JSON path.
 */
export function validateExecutorConfig(value: unknown, file: string): { config: ExecutorConfig; warnings: string[] } {
  const parsed = ExecutorConfigSchema.safeParse(value);
  if (!parsed.success) {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: ${formatZodIssues(parsed.error.issues, value)}`);
  }
  const config = parsed.data;
  const warnings: string[] = [];
  const fail = (where: readonly PropertyKey[], message: string): never => {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: ${formatPath(where)}: ${message}`);
  };

  for (const [event, block] of Object.entries(config.events)) {
    const eventPath = ['events', event];
    if (!isHookEvent(event)) {
      warnings.push(`${file}: ${formatPath(eventPath)}: "${event}" is not a hook event this version knows; check the spelling`);
    }
    if (block.deadline !== undefined && block.deadline >= MILLISECONDS_THRESHOLD) {
      warnings.push(millisecondsWarning(file, [...eventPath, 'deadline'], block.deadline));
    }
    const ids = new Map<string, number>();
    block.hooks.forEach((hook, index) => {
      const hookPath = [...eventPath, 'hooks', index];
      const previous = ids.get(hook.id);
      if (previous !== undefined) fail([...hookPath, 'id'], `duplicate id "${hook.id}" (also hooks[${previous}])`);
      ids.set(hook.id, index);
      if (hook.timeout !== undefined && hook.timeout >= MILLISECONDS_THRESHOLD) {
        warnings.push(millisecondsWarning(file, [...hookPath, 'timeout'], hook.timeout));
      }
      if (hook.matcher !== undefined) {
        if (matcherFieldFor(event) === null && hook.matcher !== '' && hook.matcher !== '*') {
          warnings.push(`${file}: ${formatPath([...hookPath, 'matcher'])}: ${event} has no matcher support; Claude Code ignores it and so does the executor`);
        }
        try {
          compileMatcher(hook.matcher, { event });
        } catch (error) {
          fail([...hookPath, 'matcher'], (error as Error).message);
        }
      }
    });
    block.hooks.forEach((hook, index) => {
      (hook.after ?? []).forEach((dep, depIndex) => {
        const where = [...eventPath, 'hooks', index, 'after', depIndex];
        if (dep === hook.id) fail(where, `hook "${hook.id}" cannot run after itself`);
        if (!ids.has(dep)) fail(where, `no hook with id "${dep}" under ${event} (known: ${[...ids.keys()].join(', ')})`);
      });
    });
    const cycle = findCycle(block.hooks);
    if (cycle) fail([...eventPath, 'hooks'], `"after" forms a cycle: ${cycle.join(' → ')}`);
  }
  return { config, warnings };
}

function millisecondsWarning(file: string, where: readonly PropertyKey[], value: number): string {
  const minutes = Math.round(value / 60);
  return (
    `${file}: ${formatPath(where)}: ${value} is in seconds (${minutes} min); it looks like milliseconds. ` +
    `Did you mean ${Number((value / 1000).toFixed(3))}?`
  );
}

/** Depth-first search over `after` edges; returns the first cycle found, closed (a → b → a). */
function findCycle(hooks: readonly { readonly id: string; readonly after?: readonly string[] | undefined }[]): string[] | undefined {
  const deps = new Map(hooks.map((hook) => [hook.id, hook.after ?? []]));
  const state = new Map<string, 'on-path' | 'done'>();
  const pathStack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const seen = state.get(id);
    if (seen === 'done') return undefined;
    if (seen === 'on-path') return [...pathStack.slice(pathStack.indexOf(id)), id];
    state.set(id, 'on-path');
    pathStack.push(id);
    for (const dep of deps.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    pathStack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const hook of hooks) {
    const cycle = visit(hook.id);
    if (cycle) return cycle;
  }
  return undefined;
}
