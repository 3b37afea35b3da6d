/**
 * Time left from the fraction done and the time spent so far, assuming a
 * steady rate. Returns null while the estimate would be noise (too early).
 */
export function estimateSecondsLeft(fraction: number, elapsedSeconds: number): number | null {
  if (fraction >= 1) return 0;
  if (fraction < 0.01 || elapsedSeconds < 1) return null;
  return Math.round((elapsedSeconds * (1 - fraction)) / fraction);
}
