/** Why a prompt scored what it did: one entry per signal that fired, with its weight. */
export interface PromptSignal {
  readonly name: string;
  readonly weight: number;
}

/** The verdict of {@link assessPrompt}. */
export interface PromptAssessment {
  /** True when the prompt looks like several independent pieces of work. */
  readonly multiPart: boolean;
  readonly score: number;
  readonly signals: readonly PromptSignal[];
}

/** Options for {@link assessPrompt}. */
export interface AssessPromptOptions {
  /** Score at which a prompt counts as multi-part. @default 2 */
  readonly threshold?: number;
}

// Work units that, counted or quantified, name several separate targets.
const UNIT =
  '(?:things|tasks|bugs|issues|tickets|files|services|microservices?|packages|modules|components|pages|endpoints|tests|clients|repos|repositories|scripts|functions|classes|features|apps|projects|crates|libraries|areas|parts|prs|pull requests|problems|errors|folders|directories|jobs|tables|screens)';
const SINGULAR_UNIT =
  '(?:file|service|microservice|package|module|component|page|endpoint|test|client|repo|repository|script|function|class|feature|app|project|crate|library|folder|directory|job|table|screen|route|handler|model)';
const NUMBER = '(?:two|three|four|five|six|seven|eight|nine|ten|several|multiple|\\d+)';
const VERBS =
  'fix|add|write|update|check|investigate|review|make|set up|remove|delete|refactor|implement|migrate|upgrade|look into|look at|find|list|explain|explore|draft|regenerate|create|build|port|audit|profile|benchmark|document|translate|compare|research|summarize|summarise|rename|figure out|debug|optimize|optimise|test|clean up|replace|move|convert|deploy|configure|install';

const SIGNALS: ReadonlyArray<{ readonly name: string; readonly weight: number; readonly test: (text: string) => boolean }> = [
  { name: 'list lines', weight: 2, test: (t) => (t.match(/^\s*(?:[-*•]|\d+[.)])\s+\S/gm) ?? []).length >= 2 },
  { name: 'inline numbering', weight: 2, test: (t) => /(?:^|\s|\()1[).]\s.+(?:\s|\()2[).]\s/s.test(t) },
  { name: 'independence marker', weight: 2, test: (t) => /\b(?:separately|unrelated|independently|in parallel|while you'?re at it)\b/i.test(t) },
  { name: 'addition marker', weight: 1.5, test: (t) => /\b(?:also|additionally|in addition|as well|on top of that)\b/i.test(t) },
  {
    name: 'per-item quantifier',
    weight: 2,
    test: (t) => new RegExp(`\\b(?:each|every) (?:one\\b|of the\\b|${SINGULAR_UNIT}|\\w+ ${SINGULAR_UNIT}|\\w+'s)`, 'i').test(t),
  },
  { name: 'both', weight: 1, test: (t) => /\bboth\b/i.test(t) },
  { name: 'counted work', weight: 1, test: (t) => new RegExp(`\\b${NUMBER}(?: [\\w-]+)? ${UNIT}\\b`, 'i').test(t) },
  { name: 'several paths', weight: 1, test: (t) => pathCount(t) >= 2 },
  { name: 'many paths', weight: 0.5, test: (t) => pathCount(t) >= 3 },
  { name: 'series', weight: 1, test: (t) => series(t) !== undefined },
  { name: 'series of names', weight: 1, test: (t) => isNamedSeries(series(t)) },
  { name: 'series of one kind', weight: 1, test: (t) => isSameKindSeries(t, series(t)) },
  { name: 'several actions', weight: 1, test: (t) => actionClauses(t).length >= 2 },
  { name: 'repeated action', weight: 1, test: (t) => hasRepeat(actionClauses(t)) },
  { name: 'dependent steps', weight: -1.5, test: (t) => /\b(?:then|after that|afterwards|once (?:that|it|this)|based on (?:that|the result))\b/i.test(t) },
  { name: 'one target (it)', weight: -1, test: (t) => /\bit\b/i.test(t) },
  { name: 'comparison', weight: -1, test: (t) => /\b(?:difference between|compared? (?:to|with)|versus|vs\.?)\b/i.test(t) },
];

/**
 * Guesses whether a prompt asks for several independent pieces of work, the case where an agent
 * should start several sub-agents in one message. It adds up cheap signals: list lines, inline
 * numbering, "separately"/"also", "each"/"every <thing>", counted work ("three bugs"), several
 * paths, "X, Y and Z" series (more when the items are names or of one kind), several action
 * clauses; and subtracts for dependent steps ("then"), an "it" that points back at one target, and
 * comparisons (one analysis of both sides).
 * Measured on a labelled prompt set (test-fixtures/remind-prompts.json), not tuned to it.
 *
 * @example
 * assessPrompt('Write unit tests for parser.ts, lexer.ts and formatter.ts').multiPart; // true
 * assessPrompt('Fix the null pointer exception in UserService.getProfile').multiPart; // false
 */
export function assessPrompt(prompt: string, options: AssessPromptOptions = {}): PromptAssessment {
  const threshold = options.threshold ?? 2;
  if (typeof prompt !== 'string') throw new TypeError(`Expected \`prompt\` to be a string, got \`${String(prompt)}\` (${typeof prompt})`);
  // Code blocks and quoted logs are material, not requests.
  const text = prompt.replace(/```[\s\S]*?```/g, ' ').slice(0, 4000);
  const signals = SIGNALS.filter((signal) => signal.test(text)).map(({ name, weight }) => ({ name, weight }));
  const score = signals.reduce((sum, signal) => sum + signal.weight, 0);
  return { multiPart: score >= threshold, score, signals };
}

function pathCount(text: string): number {
  const paths = new Set<string>();
  // "from a.ts into b/" names a source and a destination of one move, not two areas.
  const cleaned = text.replace(/\bfrom\s+\S+\s+(?:to|into)\s+\S+/gi, ' ');
  for (const match of cleaned.matchAll(/(?:^|[\s(`'"])((?:[\w.@-]+\/)+[\w.@*-]*|[\w-]+\.(?:[a-z]{1,5})|#\d+)(?=[\s,;:)`'"?!]|\.(?:\s|$)|$)/gim)) {
    const token = match[1]!;
    if (/^\d+(\.\d+)*$/.test(token)) continue;
    paths.add(token.toLowerCase());
  }
  return paths.size;
}

const ITEM = "[^,;:?!\\n\\s()—]+(?:\\s+[^,;:?!\\n\\s()—]+){0,5}";
const SERIES = new RegExp(`(${ITEM})((?:,\\s+${ITEM}){1,}),?\\s+(?:and|or)\\s+(${ITEM})|(${ITEM})((?:,\\s+${ITEM}){2,})|(${ITEM})\\s+and\\s+(${ITEM})\\s+and\\s+(${ITEM})`);

/** The items of the first "A, B and C" (or "A, B, C", or "A and B and C") series. */
function series(text: string): string[] | undefined {
  const match = SERIES.exec(text);
  if (match === null) return undefined;
  const items =
    match[1] !== undefined
      ? [match[1], ...splitItems(match[2]!), match[3]!]
      : match[4] !== undefined
        ? [match[4], ...splitItems(match[5]!)]
        : [match[6]!, match[7]!, match[8]!];
  // The first item absorbs the words before the series ("Set up a workflow that runs lint, ..."):
  // trim it to the length of the longest other item.
  const longest = Math.max(...items.slice(1).map((item) => item.split(/\s+/).length));
  items[0] = items[0]!.split(/\s+/).slice(-longest).join(' ');
  return items;
}

function splitItems(rest: string): string[] {
  return rest
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** Most items name something: a capitalised word past the item's start, or a code-like token. */
function isNamedSeries(items: string[] | undefined): boolean {
  if (items === undefined) return false;
  const named = items.filter((item, itemIndex) =>
    item
      .split(/\s+/)
      .map((word) => word.replace(/[.,;:!?]+$/, ''))
      .some((word, index) => (index > 0 || itemIndex > 0) && NAME_LIKE.test(word)),
  );
  return named.length * 2 > items.length;
}

// Capitalised, camelCase, or code-like: a path, a file name, a #ref, a version, `code`.
const NAME_LIKE = /^(?:[A-Z][\w+-]*|\S*\w[./_@]\w\S*|[#@/]\w\S*|\S*\d\S*|[a-z]+[A-Z]\w*|`.+`)$/;

/** The items share a head noun ("the login page, the profile page") or a plural noun follows them ("api, worker and cron services"). */
function isSameKindSeries(text: string, items: string[] | undefined): boolean {
  if (items === undefined) return false;
  const heads = items.map((item) => item.split(/\s+/).at(-1)!.toLowerCase());
  if (heads.length >= 2 && heads.slice(0, -1).every((head) => head === heads[0]) && heads[0]!.length > 2) return true;
  const last = items.at(-1)!;
  const after = text.slice(text.indexOf(last) + last.length);
  return new RegExp(`^\\s+(?:[\\w-]+\\s+)?${UNIT}\\b`, 'i').test(after) || new RegExp(`\\b${UNIT}$`, 'i').test(last);
}

/** The action verbs that start clauses: at the start, after punctuation, "and", "also" or a list marker. */
function actionClauses(text: string): string[] {
  const verbs: string[] = [];
  const pattern = new RegExp(`(?:^|[.;:!?\\n,]\\s*|\\band\\s+|\\balso\\s+|\\bplease\\s+|\\byou\\s+|[-*•]\\s+|\\d[.)]\\s+)(${VERBS})\\b`, 'gim');
  for (const match of text.matchAll(pattern)) verbs.push(match[1]!.toLowerCase());
  return verbs;
}

function hasRepeat(values: string[]): boolean {
  return new Set(values).size < values.length;
}
