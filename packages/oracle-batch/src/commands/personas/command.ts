import type { CommandModule } from 'yargs';
import type { CliContext } from '@whitebox/core';

/** The parsed flags of `oracle personas`. */
export interface PersonasArgs {
  readonly json: boolean;
}

/** `oracle personas`: wiring only; the implementation loads on demand. */
export function createPersonasCommand(context: CliContext): CommandModule<object, PersonasArgs> {
  return {
    command: 'personas',
    describe: 'List the built-in personas and those in .claude/personas/',
    handler: async (args) => {
      const { listPersonas } = await import('./personas.js');
      await listPersonas(args, context);
    },
  };
}
