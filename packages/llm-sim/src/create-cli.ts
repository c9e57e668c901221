import type { Argv } from 'yargs';
import { createProgram } from '@whitebox/core';
import { serveCommand } from './commands/serve/command.js';

const EPILOGUE = `Endpoints (base URL http://HOST:PORT/v1, the one the openai SDK wants):
  POST /v1/chat/completions     non-streaming and SSE, response_format json_schema/json_object
  GET  /v1/models
  POST /v1/files, GET /v1/files[/ID[/content]], DELETE /v1/files/ID
  POST /v1/batches, GET /v1/batches[/ID], POST /v1/batches/ID/cancel
  GET  /__sim/log               request log, concurrency high-water mark, cancelled calls
  POST /__sim/reset             clear log, sequences, buckets, files and batches
  GET|POST /__sim/script        read or replace the script at runtime

Exit codes: 0 stopped by SIGTERM, 1 failure, 2 usage error, 130 stopped by Ctrl-C (SIGINT).`;

/** The `llm-sim` command line; exported so tests can parse without starting a server. */
export function createCli(args: readonly string[]): Argv {
  return createProgram(args, {
    scriptName: 'llm-sim',
    usage:
      '$0 <command> [options]\n\nAn OpenAI-compatible LLM simulator over real HTTP: point any OpenAI client at it for offline tests,\ndemos and benchmarks, with scripted answers, latency models, faults, rate limits and batches.',
    epilogue: EPILOGUE,
  })
    .command(serveCommand)
    .demandCommand(1, 'Pass a command. See --help.')
    .example('$0 serve', 'serve on http://127.0.0.1:8787/v1 with instant answers')
    .example('$0 serve --latency normal:3000,300 --fault-rate 429=0.2 --rpm 60', 'a slow, flaky, rate-limited provider')
    .example('$0 serve --script fixtures/oracle.json --seed 7 --port 0', 'scripted answers on a free port');
}
