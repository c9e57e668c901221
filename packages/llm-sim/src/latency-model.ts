import { z } from 'zod';
import type { Prng } from './create-prng.js';

/**
 * How long the simulator waits before it answers (before the first byte, for streams).
 * - `fixed`: always `ms`.
 * - `uniform`: evenly spread over [`minMs`, `maxMs`].
 * - `normal`: a bell curve around `meanMs` with `stdDevMs`, clamped to ≥ `minMs` (default 0).
 */
export type LatencyModel =
  | { readonly type: 'fixed'; readonly ms: number }
  | { readonly type: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly type: 'normal'; readonly meanMs: number; readonly stdDevMs: number; readonly minMs?: number | undefined };

const ms = z.number().finite().nonnegative();

/** The zod schema of a {@link LatencyModel}; a bare number is shorthand for `fixed`. */
export const latencyModelSchema: z.ZodType<LatencyModel, number | LatencyModel> = z.union([
  ms.transform((value): LatencyModel => ({ type: 'fixed', ms: value })),
  z.strictObject({ type: z.literal('fixed'), ms }),
  z
    .strictObject({ type: z.literal('uniform'), minMs: ms, maxMs: ms })
    .refine((model) => model.minMs <= model.maxMs, { message: 'minMs must be ≤ maxMs', path: ['maxMs'] }),
  z.strictObject({ type: z.literal('normal'), meanMs: ms, stdDevMs: ms, minMs: ms.optional() }),
], {
  error: 'expected a number of ms, { "type": "fixed", "ms" }, { "type": "uniform", "minMs", "maxMs" } or { "type": "normal", "meanMs", "stdDevMs", "minMs"? }',
});

/** Draws one delay in whole milliseconds from `model`. */
export function sampleLatency(model: LatencyModel, prng: Prng): number {
  switch (model.type) {
    case 'fixed':
      return Math.round(model.ms);
    case 'uniform':
      return Math.round(prng.float(model.minMs, model.maxMs));
    case 'normal':
      return Math.round(Math.max(model.minMs ?? 0, model.meanMs + model.stdDevMs * prng.normal()));
  }
}

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;
const SPEC_FORMS: readonly [RegExp, (m: RegExpMatchArray) => LatencyModel][] = [
  [new RegExp(`^${NUMBER}$`), (m) => ({ type: 'fixed', ms: Number(m[1]) })],
  [new RegExp(`^fixed:${NUMBER}$`), (m) => ({ type: 'fixed', ms: Number(m[1]) })],
  [new RegExp(`^uniform:${NUMBER}-${NUMBER}$`), (m) => ({ type: 'uniform', minMs: Number(m[1]), maxMs: Number(m[2]) })],
  [new RegExp(`^normal:${NUMBER},${NUMBER}$`), (m) => ({ type: 'normal', meanMs: Number(m[1]), stdDevMs: Number(m[2]) })],
];

/**
 * Parses the command-line form of a latency model: `250`, `fixed:250`, `uniform:100-400` or
 * `normal:3000,300` (mean, standard deviation), all in milliseconds.
 *
 * @throws TypeError naming the spec and the accepted forms.
 */
export function parseLatencySpec(spec: string): LatencyModel {
  for (const [pattern, build] of SPEC_FORMS) {
    const match = spec.trim().match(pattern);
    if (match) {
      const model = build(match);
      if (model.type === 'uniform' && model.minMs > model.maxMs) break;
      return model;
    }
  }
  throw new TypeError(
    `Expected a latency like 250, fixed:250, uniform:100-400 or normal:3000,300 (milliseconds), got ${JSON.stringify(spec)}`,
  );
}
