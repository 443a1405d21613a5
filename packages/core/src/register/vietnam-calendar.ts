/** Register years are Vietnam calendar years (UTC+7, no daylight saving): 31/12 18:00 UTC is already the new year. */
export function vietnamYear(at: Date): number {
  return new Date(at.getTime() + 7 * 3600_000).getUTCFullYear();
}
