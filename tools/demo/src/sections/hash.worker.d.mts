/** SHA-256 rounds per task. */
export declare const ROUNDS: number;
/** Hashes `seed` `rounds` times with SHA-256. */
export declare function hashRounds(seed: string, rounds: number): string;
declare const task: (seed: string) => string;
export default task;
