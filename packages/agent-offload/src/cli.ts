const args = process.argv.slice(2);

// `hook` runs before every Read, so it skips yargs and the core barrel (which evaluates yargs):
// tens of milliseconds less per call. Everything else, and `hook --help`, goes through the CLI kit.
if (args[0] === 'hook' && !args.includes('--help') && !args.includes('-h')) {
  const { runHookFast } = await import('./commands/hook/run-hook-fast.js');
  process.exitCode = await runHookFast(args.slice(1));
} else {
  const [{ hideBin }, { runCli }, { createCli }] = await Promise.all([
    import('yargs/helpers'),
    import('./lazy-core.js'),
    import('./create-cli.js'),
  ]);
  process.exitCode = await runCli(createCli(hideBin(process.argv)));
}
