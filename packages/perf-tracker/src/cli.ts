import { hookFastPath } from './hook-fast-path.js';

const fast = hookFastPath(process.argv.slice(2));
if (fast === undefined) {
  const { main } = await import('./main.js');
  process.exitCode = await main(process.argv);
} else {
  process.exitCode = await fast();
}
