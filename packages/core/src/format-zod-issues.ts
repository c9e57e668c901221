import type { z } from 'zod';

/**
 * Turning zod issues into messages a person can act on: the path as JavaScript would write it,
 * what was expected, and what was actually there.
 */

const MAX_REPORTED_ISSUES = 5;

/**
 * Formats zod issues as `path: expected X, received Y` joined with `; `, reading the received
 * value from `root` so the message shows what was actually there.
 */
export function formatZodIssues(issues: readonly z.core.$ZodIssue[], root: unknown, prefix: readonly PropertyKey[] = []): string {
  const parts = issues.slice(0, MAX_REPORTED_ISSUES).map((issue) => {
    const path = [...prefix, ...issue.path];
    const received = describeValue(valueAt(root, issue.path));
    return `${formatPath(path)}: ${expectation(issue)}, received ${received}`;
  });
  if (issues.length > MAX_REPORTED_ISSUES) parts.push(`and ${issues.length - MAX_REPORTED_ISSUES} more`);
  return parts.join('; ');
}

function expectation(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return issue.message;
  }
}

/**
 * Formats a JSON path the way a person would write it in JavaScript: `hooks.PreToolUse[0].command`.
 */
export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(the whole document)';
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Describes a value for an error message: its type and a short rendering.
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing (the field is missing)';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
    return `string ${JSON.stringify(shown)}`;
  }
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'function') return 'a function';
  return `${typeof value} ${String(value)}`;
}
