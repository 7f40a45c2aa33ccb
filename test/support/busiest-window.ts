/**
 * The most of `times` (milliseconds) that fall in any window of `windowMs`, each window half-open:
 * (t - windowMs, t]. What a sending limit such as "60 per 30 seconds" is checked against.
 */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last += 1) {
    while ((sorted[first] ?? 0) <= (sorted[last] ?? 0) - windowMs) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}
