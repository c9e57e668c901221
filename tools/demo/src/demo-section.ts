import type { Colors } from '@whitebox/core';

/** What a demo section gets: where to print, and colours that respect NO_COLOR and non-TTYs. */
export interface DemoContext {
  readonly out: (line?: string) => void;
  readonly c: Colors;
}

/** One part of `pnpm demo`; each package adds its own. */
export interface DemoSection {
  readonly title: string;
  readonly run: (context: DemoContext) => Promise<void>;
}

/** Formats milliseconds for the demo's tables. */
export function formatMs(ms: number): string {
  return `${ms >= 100 ? ms.toFixed(0) : ms.toFixed(1)} ms`;
}
