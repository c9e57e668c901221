import { createReadStream } from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse';
import { readJsonl, WhiteboxError } from '@whitebox/core';
import type { SwarmTask } from './swarm-task.js';
import { ProblemList } from './task-input-error.js';
import type { TaskCheck } from './task-input-error.js';

/** Where template tasks come from: `--template prompt.md --data rows.csv|rows.jsonl`. */
export interface TemplateSource {
  /** The template text; `{{column}}` is replaced by the row's value. */
  readonly template: string;
  /** A `.csv` file with a header line, or a `.jsonl` file of objects. */
  readonly dataFile: string;
  /** The column holding each row's id; rows without one get `row-<n>`. @default "id" */
  readonly idColumn?: string | undefined;
  /** The model of every task. */
  readonly model?: string | undefined;
}

type Row = { readonly line: number; readonly index: number; readonly row: Record<string, unknown> } | { readonly line: number; readonly problem: string };

const PLACEHOLDER = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** The distinct `{{name}}` placeholders of a template, in order of first use. */
export function templatePlaceholders(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] as string))];
}

/**
 * Fills a template from one row: each `{{name}}` becomes `String(row[name])`.
 *
 * @returns The prompt, or the names the row has no value for.
 */
export function renderTemplate(template: string, row: Readonly<Record<string, unknown>>): { prompt: string } | { missing: string[] } {
  const missing = templatePlaceholders(template).filter((name) => row[name] === undefined || row[name] === null);
  if (missing.length > 0) return { missing };
  return {
    prompt: template.replace(PLACEHOLDER, (_whole, name: string) => {
      const value = row[name];
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
    }),
  };
}

function dataKind(file: string): 'csv' | 'jsonl' {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.csv') return 'csv';
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  throw new WhiteboxError('INPUT_INVALID', `${file}: --data must be a .csv or .jsonl file, got "${ext || 'no extension'}"`);
}

async function* readRows(file: string): AsyncGenerator<Row, void, undefined> {
  let index = 0;
  if (dataKind(file) === 'jsonl') {
    const reader = readJsonl<unknown>(file, { maxMalformedLines: Number.MAX_SAFE_INTEGER });
    for await (const { line, record } of reader) {
      if (typeof record !== 'object' || record === null || Array.isArray(record)) {
        yield { line, problem: `expected a JSON object, got ${Array.isArray(record) ? 'an array' : typeof record}` };
        continue;
      }
      yield { line, index: ++index, row: record as Record<string, unknown> };
    }
    for (const { line, reason } of reader.stats.malformedLines) yield { line, problem: `not valid JSON: ${reason}` };
    return;
  }
  const parser = createReadStream(file).pipe(parseCsv({ columns: true, info: true, bom: true, skip_empty_lines: true, relax_column_count: true }));
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      yield { line: info.lines, index: ++index, row: record };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') {
      throw new WhiteboxError('IO', `Cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
    // A CSV syntax error stops the parser; report where it stopped.
    const line = (error as { lines?: number }).lines ?? 0;
    yield { line, problem: `not valid CSV: ${(error as Error).message}` };
  }
}

function rowId(row: Readonly<Record<string, unknown>>, index: number, idColumn: string): string {
  const value = row[idColumn];
  if ((typeof value === 'string' && value.trim() !== '') || (typeof value === 'number' && Number.isFinite(value))) return String(value);
  return `row-${index}`;
}

/**
 * Checks every row of a template's data before anything is sent: rows that do not parse, rows
 * without a value for a placeholder, and duplicate ids, each with its line number.
 *
 * @throws {WhiteboxError} `IO` when the data file cannot be read, `INPUT_INVALID` for an unknown extension.
 */
export async function checkTemplateTasks(source: TemplateSource): Promise<TaskCheck> {
  const idColumn = source.idColumn ?? 'id';
  const problems = new ProblemList();
  const firstLine = new Map<string, number>();
  let count = 0;
  for await (const entry of readRows(source.dataFile)) {
    if ('problem' in entry) {
      problems.add(entry.line, entry.problem);
      continue;
    }
    const rendered = renderTemplate(source.template, entry.row);
    if ('missing' in rendered) {
      problems.add(entry.line, `no value for ${rendered.missing.map((name) => `{{${name}}}`).join(', ')}`);
      continue;
    }
    const id = rowId(entry.row, entry.index, idColumn);
    const seen = firstLine.get(id);
    if (seen !== undefined) {
      problems.add(entry.line, `duplicate id ${JSON.stringify(id)} (first on line ${seen})`);
      continue;
    }
    firstLine.set(id, entry.line);
    count++;
  }
  return {
    count,
    models: new Set(source.model === undefined ? [] : [source.model]),
    problems: problems.list(),
    problemCount: problems.count,
  };
}

/**
 * Streams one task per data row: the rendered template as `prompt`, the row's id column (or
 * `row-<n>`, counting data rows from 1) as `id`.
 *
 * @throws {WhiteboxError} `INPUT_INVALID` at a row that {@link checkTemplateTasks} would report.
 */
export async function* readTemplateTasks(source: TemplateSource): AsyncGenerator<SwarmTask, void, undefined> {
  const idColumn = source.idColumn ?? 'id';
  for await (const entry of readRows(source.dataFile)) {
    if ('problem' in entry) throw new WhiteboxError('INPUT_INVALID', `${source.dataFile}: line ${entry.line}: ${entry.problem}`);
    const rendered = renderTemplate(source.template, entry.row);
    if ('missing' in rendered) {
      throw new WhiteboxError('INPUT_INVALID', `${source.dataFile}: line ${entry.line}: no value for ${rendered.missing.join(', ')}`);
    }
    yield {
      id: rowId(entry.row, entry.index, idColumn),
      prompt: rendered.prompt,
      ...(source.model === undefined ? {} : { model: source.model }),
    };
  }
}
