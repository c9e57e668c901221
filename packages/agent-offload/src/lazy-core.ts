/**
 * The `@whitebox/core` exports that paths off the hook's fast start-up need, behind one module
 * that callers `import()` on demand. The hook must not evaluate the core barrel at start-up (it
 * brings yargs), and a direct `import('@whitebox/core')` would defeat tree-shaking and bundle all
 * of core, the LLM client included.
 */
export { WhiteboxError, runCli } from '@whitebox/core';
