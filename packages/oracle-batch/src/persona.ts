import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import matter from 'gray-matter';
import { z } from 'zod';
import { UsageError, WhiteboxError } from '@whitebox/core';
import { BUILTIN_PERSONAS } from './builtin-personas.js';

/** A reviewer with a point of view: a system prompt plus optional model settings. */
export interface Persona {
  /** Unique, used on the command line: letters, digits, `-` and `_`. */
  readonly name: string;
  /** One line for `oracle personas`. */
  readonly description: string;
  /** Who the persona is and what it looks for; the verdict instructions are appended to it. */
  readonly systemPrompt: string;
  /** A model for this persona only; it wins over `--model`, `WHITEBOX_MODEL` and the config file. */
  readonly model: string | undefined;
  /** Sampling temperature, 0 to 2; omitted from the request when undefined. */
  readonly temperature: number | undefined;
  /** `built-in`, or the file the persona came from. */
  readonly source: string;
}

/** Where user personas live, relative to the project root. */
export const PERSONAS_DIR = path.join('.claude', 'personas');

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The front matter of a persona file. */
export const PersonaFrontMatterSchema = z.strictObject({
  name: z.string().regex(NAME, 'must be letters, digits, "-" and "_", starting with a letter or digit').optional(),
  description: z.string().trim().min(1, 'must not be empty'),
  model: z.string().trim().min(1, 'must not be empty').optional(),
  temperature: z.number().min(0).max(2).optional(),
});

const refuseCode = (): never => {
  throw new Error('JavaScript front matter is not allowed in persona files; use YAML');
};

/**
 * Parses one persona file: YAML front matter (`name`, `description`, `model`, `temperature`)
 * and a Markdown body that becomes the system prompt. `name` defaults to the file name.
 *
 * @throws {WhiteboxError} `CONFIG_INVALID` naming the file and the field at fault.
 * @example
 * ---
 * name: dba
 * description: Database reviewer
 * model: gpt-4.1-mini
 * temperature: 0.2
 * ---
 * You are a database administrator. Judge schema changes, migrations and query plans.
 */
export function parsePersonaFile(text: string, file: string): Persona {
  let parsed: matter.GrayMatterFile<string>;
  try {
    // gray-matter would eval `---js` front matter; a persona file from a cloned repo must not run code.
    parsed = matter(text, { engines: { js: refuseCode, javascript: refuseCode } });
  } catch (error) {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: cannot read the front matter: ${(error as Error).message}`, { cause: error });
  }
  const result = PersonaFrontMatterSchema.safeParse(parsed.data);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = issue?.path.length ? issue.path.map(String).join('.') : 'front matter';
    const got = issue?.path.length ? (parsed.data as Record<string, unknown>)[String(issue.path[0])] : undefined;
    const received = got === undefined ? '' : `, got ${JSON.stringify(got)}`;
    throw new WhiteboxError('CONFIG_INVALID', `${file}: ${field}: ${issue?.message ?? 'invalid'}${received}`);
  }
  const systemPrompt = parsed.content.trim();
  if (systemPrompt === '') {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: the body (the system prompt) is empty; write it below the front matter`);
  }
  const fallbackName = path.basename(file, path.extname(file));
  const name = result.data.name ?? fallbackName;
  if (!NAME.test(name)) {
    throw new WhiteboxError('CONFIG_INVALID', `${file}: name: the file name "${fallbackName}" is not a valid persona name; set "name" in the front matter`);
  }
  return {
    name,
    description: result.data.description,
    systemPrompt,
    model: result.data.model,
    temperature: result.data.temperature,
    source: file,
  };
}

/** Options for {@link loadPersonas}. */
export interface LoadPersonasOptions {
  /** The project root whose `.claude/personas/` is read. @default process.cwd() */
  readonly cwd?: string;
  /** Another directory of persona files instead of `.claude/personas`. */
  readonly dir?: string;
}

/**
 * Every persona available: the built-ins, then each `*.md` file in `.claude/personas/` (a file
 * with a built-in's name replaces it). A missing directory is fine; an invalid file is not.
 *
 * @returns Personas by name, built-ins first, then files in name order.
 * @throws {WhiteboxError} `CONFIG_INVALID` naming the file and field, including two files with one name.
 */
export async function loadPersonas(options: LoadPersonasOptions = {}): Promise<Map<string, Persona>> {
  const dir = options.dir ?? path.join(options.cwd ?? process.cwd(), PERSONAS_DIR);
  const personas = new Map<string, Persona>(BUILTIN_PERSONAS.map((persona) => [persona.name, persona]));
  let names: string[];
  try {
    names = (await readdir(dir)).filter((name) => name.endsWith('.md')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return personas;
    throw new WhiteboxError('IO', `${dir}: cannot list persona files: ${(error as Error).message}`, { cause: error });
  }
  const fromFiles = new Map<string, string>();
  for (const name of names) {
    const file = path.join(dir, name);
    const persona = parsePersonaFile(await readFile(file, 'utf8'), file);
    const earlier = fromFiles.get(persona.name);
    if (earlier !== undefined) {
      throw new WhiteboxError('CONFIG_INVALID', `${file}: name: "${persona.name}" is already defined by ${earlier}`);
    }
    fromFiles.set(persona.name, file);
    personas.set(persona.name, persona);
  }
  return personas;
}

/**
 * Picks personas by name, in the order given, without duplicates.
 *
 * @throws {UsageError} for an unknown name, listing the known ones.
 */
export function selectPersonas(names: readonly string[], available: ReadonlyMap<string, Persona>): Persona[] {
  const picked: Persona[] = [];
  for (const name of new Set(names)) {
    const persona = available.get(name);
    if (persona === undefined) {
      throw new UsageError(`unknown persona "${name}"; available: ${[...available.keys()].join(', ')} (see \`oracle personas\`)`);
    }
    picked.push(persona);
  }
  return picked;
}

/**
 * The system prompt sent for a persona: its own text plus the answer format. The format is
 * spelled out even though a `json_schema` is sent, because some endpoints ignore the schema.
 */
export function buildSystemPrompt(persona: Persona): string {
  return `${persona.systemPrompt}

Review the proposal in the user message from this perspective. Answer with one JSON object and nothing else:
{"verdict": "approve" | "revise" | "reject", "confidence": <number from 0 to 1>, "summary": "<one or two sentences>", "reasons": ["<short point>", ...], "risks": ["<short point>", ...]}
Use "approve" to go ahead as proposed, "revise" to go ahead only after changes, "reject" not to go ahead.`;
}
