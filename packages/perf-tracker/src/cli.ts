import { hookFastPath } from './hook-fast-path.js';

// Built as a lean CommonJS entry (see tools/esbuild/build-cli.ts): `wrap` and `record` are in this
// file's bundle, and the full CLI is an ES module chunk loaded only for the other commands.
const fast = hookFastPath(process.argv.slice(2));
const exitCode = fast === undefined ? import('./main.js').then(({ main }) => main(process.argv)) : fast();
void exitCode.then((code) => {
  process.exitCode = code;
});
