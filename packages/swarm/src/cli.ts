import { hideBin } from 'yargs/helpers';
import { runCli } from '@whitebox/core';
import { createCli } from './create-cli.js';

process.exitCode = await runCli(createCli(hideBin(process.argv)));
