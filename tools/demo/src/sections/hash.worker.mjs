import { createHash } from 'node:crypto';

export const ROUNDS = 4_000;

/** Hashes `seed` `rounds` times; the same function runs on the main thread and in the pool. */
export function hashRounds(seed, rounds) {
  let digest = seed;
  for (let i = 0; i < rounds; i++) digest = createHash('sha256').update(digest).digest('hex');
  return digest;
}

export default function task(seed) {
  return hashRounds(seed, ROUNDS);
}
