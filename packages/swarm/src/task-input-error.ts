import { UsageError } from '@whitebox/core';

/** One thing wrong with an input line. */
export interface TaskProblem {
  /** The 1-based line of the file (for CSV, the line the row ends on). */
  readonly line: number;
  /** What is wrong, for a person. */
  readonly message: string;
}

/** What a check of the whole input found, before anything is sent. */
export interface TaskCheck {
  /** Valid tasks. */
  readonly count: number;
  /** Every model the tasks use (their own, else the default), for price checks. */
  readonly models: ReadonlySet<string>;
  /** The first problems, in line order; `problemCount` has the full count. */
  readonly problems: readonly TaskProblem[];
  /** How many problems there are in all. */
  readonly problemCount: number;
}

/** How many problems a check keeps for the message. */
export const MAX_REPORTED_PROBLEMS = 20;

/**
 * The input has malformed lines, invalid tasks or duplicate ids. Nothing was sent. It is a
 * {@link UsageError}, so the CLI exits with 2; `problems` lists them with line numbers.
 */
export class TaskInputError extends UsageError {
  override name = 'TaskInputError';

  /**
   * @param file - The file at fault.
   * @param problems - The first problems, in line order.
   * @param problemCount - How many there are in all.
   */
  constructor(
    readonly file: string,
    readonly problems: readonly TaskProblem[],
    readonly problemCount: number,
  ) {
    const more = problemCount > problems.length ? `\n  … and ${problemCount - problems.length} more` : '';
    const noun = problemCount === 1 ? 'problem' : 'problems';
    super(`${file}: ${problemCount} ${noun}; nothing was sent:\n${problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n')}${more}`);
  }
}

/** Collects problems in line order, keeping the first {@link MAX_REPORTED_PROBLEMS}. */
export class ProblemList {
  readonly #kept: TaskProblem[] = [];
  #count = 0;

  /** Records one problem. */
  add(line: number, message: string): void {
    this.#count++;
    this.#kept.push({ line, message });
    // Problems arrive almost in order (JSON errors are reported at the end), so sort and trim lazily.
    if (this.#kept.length > MAX_REPORTED_PROBLEMS * 2) this.#trim();
  }

  /** How many were recorded. */
  get count(): number {
    return this.#count;
  }

  /** The first problems in line order. */
  list(): TaskProblem[] {
    this.#trim();
    return [...this.#kept];
  }

  #trim(): void {
    this.#kept.sort((a, b) => a.line - b.line);
    this.#kept.length = Math.min(this.#kept.length, MAX_REPORTED_PROBLEMS);
  }
}
