import picocolors from 'picocolors';

/** The colour functions of picocolors (`red`, `green`, `dim`, `bold`, …), switched on or off. */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** A stream that may be a terminal. */
export interface MaybeTty {
  readonly isTTY?: boolean;
}

/**
 * Decides whether output to `stream` gets colour: never under `NO_COLOR` (any non-empty value,
 * per no-color.org), always under a non-empty `FORCE_COLOR` other than `0` or `false` (which,
 * as for Node and supports-color, turn colour off), otherwise only on a TTY.
 */
export function shouldUseColor(stream: MaybeTty, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['NO_COLOR']) return false;
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return force !== '0' && force !== 'false';
  return stream.isTTY === true;
}

/**
 * Colour functions for one stream. Diagnostics go to stderr, so that is the default.
 *
 * @example
 * const c = createColors();
 * process.stderr.write(`${c.yellow('warning')}: timeout looks like milliseconds\n`);
 */
export function createColors(stream: MaybeTty = process.stderr, env: NodeJS.ProcessEnv = process.env): Colors {
  return picocolors.createColors(shouldUseColor(stream, env));
}
