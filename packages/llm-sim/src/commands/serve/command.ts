import type { Argv, CommandModule } from 'yargs';
import { withQuiet, withVerbose } from '@whitebox/core';

/** The flags of `llm-sim serve`, as yargs parses them. */
export interface ServeArgs {
  readonly port: number;
  readonly host: string;
  readonly script: string | undefined;
  readonly seed: number | undefined;
  readonly latency: readonly string[] | undefined;
  readonly chunkDelay: number | undefined;
  readonly faultRate: readonly string[] | undefined;
  readonly invalidJson: boolean | undefined;
  readonly retryAfterMs: number | undefined;
  readonly rpm: number | undefined;
  readonly tpm: number | undefined;
  readonly apiKey: readonly string[] | undefined;
  readonly timeScale: number | undefined;
  readonly quiet: boolean;
  readonly verbose: boolean;
}

/** The flags; kept separate so the handler's argument type is inferred from them. */
function builder(y: Argv) {
  return withQuiet(withVerbose(y))
    .option('port', { alias: 'p', type: 'number', default: 8787, describe: 'Port to listen on (0 picks a free one)' })
    .option('host', { type: 'string', default: '127.0.0.1', describe: 'Interface to listen on' })
    .option('script', { alias: 's', type: 'string', requiresArg: true, describe: 'JSON script: rules, personas, latency, faults' })
    .option('seed', { type: 'number', requiresArg: true, describe: 'Seed for content, latency, faults and batch order (default: the script\'s, else 0)' })
    .option('latency', {
      type: 'string',
      array: true,
      requiresArg: true,
      describe: 'Latency: MS | fixed:MS | uniform:MIN-MAX | normal:MEAN,SD; prefix MODEL= for one model (repeatable)',
    })
    .option('chunk-delay', { type: 'number', requiresArg: true, describe: 'Milliseconds between streamed chunks' })
    .option('fault-rate', {
      type: 'string',
      array: true,
      requiresArg: true,
      describe: 'Fault rate: KIND=RATE (kinds 400 401 403 404 408 409 429 500 502 503 hang reset cut stream-error invalid-json); a bare RATE means 429 (repeatable)',
    })
    .option('invalid-json', { type: 'boolean', describe: 'Corrupt every json_object/json_schema answer' })
    .option('retry-after-ms', { type: 'number', requiresArg: true, describe: 'What injected 429s advertise in retry-after(-ms) (default 1000)' })
    .option('rpm', { type: 'number', requiresArg: true, describe: 'Requests per minute per API key (x-ratelimit-*-requests)' })
    .option('tpm', { type: 'number', requiresArg: true, describe: 'Tokens per minute per API key (x-ratelimit-*-tokens)' })
    .option('api-key', { type: 'string', array: true, requiresArg: true, describe: 'Accept only these bearer keys; others get 401 (repeatable)' })
    .option('time-scale', { type: 'number', requiresArg: true, describe: 'Run batch time this many times faster (86400 makes 24h pass in 1s)' });
}

type BuiltArgs = ReturnType<typeof builder> extends Argv<infer T> ? T : never;

/** `llm-sim serve`: wiring only; the implementation loads on demand. */
export const serveCommand: CommandModule<object, BuiltArgs> = {
  command: 'serve',
  describe: 'Start the simulator and print its base URL on stdout',
  builder,
  handler: async (args) => {
    const { serve } = await import('./serve.js');
    await serve(args);
  },
};
