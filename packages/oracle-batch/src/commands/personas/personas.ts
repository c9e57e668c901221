import { createColors } from '@whitebox/core';
import type { CliContext } from '@whitebox/core';
import { loadPersonas } from '../../persona.js';
import type { PersonasArgs } from './command.js';

/** Prints every available persona: a table for people, or a JSON array with `--json`. */
export async function listPersonas(args: PersonasArgs, context: CliContext): Promise<void> {
  const personas = [...(await loadPersonas({ cwd: context.cwd })).values()];
  const { stdout } = context.io;
  if (args.json) {
    const rows = personas.map(({ name, description, model, temperature, source }) => ({
      name,
      description,
      model: model ?? null,
      temperature: temperature ?? null,
      source,
    }));
    stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  const c = createColors(stdout as { isTTY?: boolean }, context.env);
  const width = Math.max(...personas.map((persona) => persona.name.length));
  for (const persona of personas) {
    const extras = [persona.model, persona.temperature === undefined ? undefined : `t=${persona.temperature}`]
      .filter((value) => value !== undefined)
      .join(', ');
    const origin = persona.source === 'built-in' ? '' : c.dim(` (${persona.source}${extras === '' ? '' : `; ${extras}`})`);
    stdout.write(`${c.bold(persona.name.padEnd(width))}  ${persona.description}${origin}\n`);
  }
}
