import { hideBin } from 'yargs/helpers';
import { runCli } from '@whitebox/core';
import { nonBlockingExitCode } from './cli-context.js';
import { createCli } from './create-cli.js';

const args = hideBin(process.argv);
process.exitCode = nonBlockingExitCode(args, await runCli(createCli(args)));
