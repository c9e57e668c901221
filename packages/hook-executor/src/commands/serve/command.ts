import type { CommandModule } from 'yargs';
import type { CommonOptions } from '@whitebox/core';

interface ServeArgs extends CommonOptions {
  readonly host: string | undefined;
  readonly port: number | undefined;
  readonly socket: string | undefined;
  readonly 'token-file': string | undefined;
  readonly 'max-body-bytes': number | undefined;
  readonly 'project-dir': string | undefined;
}

/** `hook-executor serve`. */
export const serveCommand: CommandModule<CommonOptions, ServeArgs> = {
  command: 'serve',
  describe: 'Run the resident server for Claude Code http hooks (POST /hooks/<Event>); `run` forwards to it',
  builder: (yargs) =>
    yargs
      .option('host', { type: 'string', requiresArg: true, describe: 'Address to listen on (default 127.0.0.1)' })
      .option('port', { type: 'number', requiresArg: true, describe: 'TCP port (default 47433; 0 picks a free one)' })
      .option('socket', { type: 'string', requiresArg: true, describe: 'Listen on a unix socket instead (for `run` forwarding)' })
      .option('token-file', { type: 'string', requiresArg: true, describe: 'Bearer token file, created with mode 0600 (default .claude/hook-executor/token)' })
      .option('max-body-bytes', { type: 'number', requiresArg: true, describe: 'Largest request body (default 16 MiB)' })
      .option('project-dir', { type: 'string', requiresArg: true, describe: 'Project directory (default: $CLAUDE_PROJECT_DIR, else the current directory)' })
      .check((args) => {
        if (args.port !== undefined && !(Number.isInteger(args.port) && args.port >= 0 && args.port <= 65535)) {
          throw new Error(`--port must be an integer from 0 to 65535, got ${String(args.port)}`);
        }
        if (args['max-body-bytes'] !== undefined && !(Number.isInteger(args['max-body-bytes']) && args['max-body-bytes'] > 0)) {
          throw new Error(`--max-body-bytes must be a positive integer, got ${String(args['max-body-bytes'])}`);
        }
        return true;
      }),
  handler: async (args) => {
    const { serve } = await import('./serve.js');
    await serve({
      config: args.config,
      projectDir: args['project-dir'],
      host: args.host,
      port: args.port,
      socket: args.socket,
      tokenFile: args['token-file'],
      maxBodyBytes: args['max-body-bytes'],
      json: args.json,
      quiet: args.quiet,
    });
  },
};
