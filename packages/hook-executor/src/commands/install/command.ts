import type { CommandModule } from 'yargs';
import type { CommonOptions } from '@whitebox/core';
import { WHITEBOX_HOOK_NAMES, parseWhiteboxHookNames } from '../../whitebox-hooks.js';

interface SettingsArgs extends CommonOptions {
  readonly scope: 'project' | 'local' | 'user';
  readonly 'dry-run': boolean;
  readonly 'project-dir': string | undefined;
}

interface InstallArgs extends SettingsArgs {
  readonly mode: 'command' | 'http';
  readonly with: string[] | undefined;
  readonly bin: string | undefined;
  readonly port: number | undefined;
}

const settingsOptions = {
  scope: { choices: ['project', 'local', 'user'] as const, default: 'project' as const, describe: 'Settings file: .claude/settings.json, .claude/settings.local.json or ~/.claude/settings.json' },
  'dry-run': { type: 'boolean' as const, default: false, describe: 'Print the diff and write nothing' },
  'project-dir': { type: 'string' as const, requiresArg: true, describe: 'Project directory (default: $CLAUDE_PROJECT_DIR, else the current directory)' },
};

/** `hook-executor install`. */
export const installCommand: CommandModule<CommonOptions, InstallArgs> = {
  command: 'install',
  describe: 'Move the settings file\'s command hooks into hook-executor.json and leave one executor entry per event',
  builder: (yargs) =>
    yargs
      .options(settingsOptions)
      .option('mode', { choices: ['command', 'http'] as const, default: 'command' as const, describe: 'One command hook per event, or one http hook per event (needs `serve`)' })
      .option('with', { type: 'string', array: true, describe: `Also wire Whitebox hooks: ${WHITEBOX_HOOK_NAMES.join(',')}` })
      .option('bin', { type: 'string', requiresArg: true, describe: 'Command settings.json runs (default: hook-executor when on PATH, else node <this bin>)' })
      .option('port', { type: 'number', requiresArg: true, describe: 'Server port for --mode http (default 47433)' })
      .check((args) => {
        parseWhiteboxHookNames(args.with);
        if (args.port !== undefined && !(Number.isInteger(args.port) && args.port > 0 && args.port <= 65535)) {
          throw new Error(`--port must be an integer from 1 to 65535, got ${String(args.port)}`);
        }
        return true;
      }),
  handler: async (args) => {
    const { install } = await import('./install.js');
    await install({
      scope: args.scope,
      dryRun: args['dry-run'],
      config: args.config,
      projectDir: args['project-dir'],
      json: args.json,
      quiet: args.quiet,
      mode: args.mode,
      with: parseWhiteboxHookNames(args.with),
      bin: args.bin,
      port: args.port,
    });
  },
};

/** `hook-executor uninstall`. */
export const uninstallCommand: CommandModule<CommonOptions, SettingsArgs> = {
  command: 'uninstall',
  describe: 'Put the moved hooks back into the settings file and remove the executor entries',
  builder: (yargs) => yargs.options(settingsOptions),
  handler: async (args) => {
    const { uninstall } = await import('./install.js');
    await uninstall({ scope: args.scope, dryRun: args['dry-run'], config: args.config, projectDir: args['project-dir'], json: args.json, quiet: args.quiet });
  },
};
