/** Burns CPU for `iterations` xorshift steps and returns the final state. */
export declare function burn(iterations: number): number;
declare const task: (iterations: number) => number;
export default task;
