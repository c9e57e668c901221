// A deterministic CPU burner shared by the main-thread baseline and the pool's workers, so both
// sides do exactly the same work.
export function burn(iterations) {
  let x = 0x9e3779b9;
  for (let i = 0; i < iterations; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  return x >>> 0;
}

export default function task(iterations) {
  return burn(iterations);
}
