import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { PerfRecord } from '@whitebox/core';

/**
 * Appends one timing record as one line in a single `O_APPEND` write, as core's `appendJsonlSync`
 * does, so lines from concurrent hooks never interleave. It is a copy on purpose: `wrap` and
 * `record` run on every hook, and importing `@whitebox/core` would pull its whole barrel (zod,
 * the LLM client) into their start-up; see `cli.ts`.
 *
 * @throws The `fs` error when the file cannot be opened or written.
 */
export function appendPerfLine(file: string, record: PerfRecord): void {
  const bytes = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
  let fd: number;
  try {
    fd = openSync(file, 'a');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(file, 'a');
  }
  try {
    const written = writeSync(fd, bytes, 0, bytes.length);
    // A short write leaves a torn line; sealing it keeps the next writer's line whole.
    if (written !== bytes.length) writeSync(fd, '\n');
  } finally {
    closeSync(fd);
  }
}
