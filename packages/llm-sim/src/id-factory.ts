import { createPrng, hashSeed } from './create-prng.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Makes OpenAI-looking ids (`chatcmpl-…`, `file-…`, `batch_…`, `req_…`) from the run seed. */
export interface IdFactory {
  /** The next id: `prefix` then `length` letters and digits (or hex digits when `hex`). */
  next(prefix: string, length?: number, hex?: boolean): string;
  /** Restarts the sequence. */
  reset(): void;
}

/** Creates an {@link IdFactory}; the same seed gives the same ids in the same order. */
export function createIdFactory(seed: number): IdFactory {
  let prng = createPrng(hashSeed(seed, 'ids'));
  return {
    next(prefix, length = 24, hex = false) {
      const alphabet = hex ? '0123456789abcdef' : ALPHABET;
      let id = prefix;
      for (let i = 0; i < length; i++) id += alphabet.charAt(Math.floor(prng.next() * alphabet.length));
      return id;
    },
    reset() {
      prng = createPrng(hashSeed(seed, 'ids'));
    },
  };
}
