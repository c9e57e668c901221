// Runs one `cpu: true` module hook on a piscina worker thread. Plain JavaScript on purpose: piscina
// loads it from disk, outside the CLI bundle. Modules stay cached per thread, so hooks stay warm.
const EXPORT_MISSING = 'HOOK_EXPORT_MISSING';

export default async function runModuleHookTask({ url, exportName, input, context }) {
  const mod = await import(url);
  const fn = mod[exportName];
  if (typeof fn !== 'function') {
    const error = new Error(`${url} has no function export "${exportName}"`);
    error.code = EXPORT_MISSING;
    throw error;
  }
  // undefined cannot be told apart from "no result" after cloning; wrap every value.
  return { value: await fn(input, context) };
}
