/**
 * Element `k` of a list whose indexes the code made itself (a plan's page numbers, parallel lists of one length).
 * A miss is a bug, reported as a RangeError; indexes that come from input get the module's KysoError instead.
 */
export function elementAt<T>(list: readonly T[], k: number): T {
  const v = list[k];
  if (v === undefined) throw new RangeError(`index ${k} outside a list of ${list.length}`);
  return v;
}
