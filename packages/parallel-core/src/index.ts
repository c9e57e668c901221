/**
 * @packageDocumentation
 * Parallel execution for Whitebox: `runParallel` (an async pool), a warm piscina CPU pool,
 * and `runGraph`, a dependency-graph scheduler.
 */

// runParallel

// CPU pool

// runGraph
