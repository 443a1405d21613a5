/**
 * Facts about what later revisions changed: for each revision after the signed one, every object number it defines
 * or frees, whether it is new or replaces an existing object, and a structural comparison of old and new values.
 * Also a reference index (who points at an object, under which key) for a revision's state. No verdicts here.
 */
import { PdfDict, PdfName, PdfRef, PdfString, PdfStream, type PdfDocument, type PdfObject } from '@kyso/pdf';

export type ChangeKind = 'new' | 'replaced' | 'freed';

export interface ObjectChange {
  revision: number;
  object: number;
  change: ChangeKind;
  /** The value as of revision - 1 (undefined when new or free there). */
  before: PdfObject | undefined;
  /** The value as of `revision` (undefined when freed). */
  after: PdfObject | undefined;
  /** Top-level keys that differ (dictionaries and streams); empty when values are equal. */
  keysAdded: string[];
  keysRemoved: string[];
  keysChanged: string[];
  /** True when old and new values are structurally equal (a rewrite without effect). */
  identical: boolean;
  /** Set when the old or new value could not be read (a limit): the change cannot be judged. */
  unreadable?: string;
}

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Structural equality of direct values; references compare by number and generation, streams by dict and raw bytes. */
export function sameValue(a: PdfObject | undefined, b: PdfObject | undefined, depth = 0): boolean {
  if (depth > 64) return false;
  if (a === b) return true;
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (a instanceof PdfRef) return b instanceof PdfRef && a.equals(b);
  if (a instanceof PdfName) return b instanceof PdfName && a.name === b.name;
  if (a instanceof PdfString) return b instanceof PdfString && bytesEqual(a.bytes, b.bytes);
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i], depth + 1));
  if (a instanceof PdfStream)
    return (
      b instanceof PdfStream && sameValue(a.dict, b.dict, depth + 1) && safe(() => bytesEqual(a.raw(), b.raw()), false)
    );
  if (a instanceof PdfDict) {
    if (!(b instanceof PdfDict) || a.size !== b.size) return false;
    for (const [k, v] of a.map) if (!b.has(k) || !sameValue(v, b.get(k), depth + 1)) return false;
    return true;
  }
  return false;
}

export function dictOf(o: PdfObject | undefined): PdfDict | undefined {
  return o instanceof PdfDict ? o : o instanceof PdfStream ? o.dict : undefined;
}

/** Top-level key differences between two dictionaries (or stream dictionaries). */
export function diffKeys(
  before: PdfObject | undefined,
  after: PdfObject | undefined,
): { added: string[]; removed: string[]; changed: string[] } {
  const a = dictOf(before);
  const b = dictOf(after);
  const added: string[] = [];
  const removed: string[] = [];
  const changed: string[] = [];
  if (!a || !b) return { added, removed, changed };
  for (const k of b.keys()) if (!a.has(k)) added.push(k);
  for (const [k, v] of a.map) {
    if (!b.has(k)) removed.push(k);
    else if (!sameValue(v, b.get(k))) changed.push(k);
  }
  return { added, removed, changed };
}

/** Every object revision `k` defines or frees, relative to the state at revision k-1. */
export function revisionChanges(doc: PdfDocument, k: number): ObjectChange[] {
  const out: ObjectChange[] = [];
  const { defined, freed } = doc.changes(k);
  for (const [nums, isFree] of [
    [defined, false],
    [freed, true],
  ] as const) {
    for (const num of nums) {
      // A value that cannot be read (a limit) is not "absent": the change is kept and marked unjudgeable.
      let unreadable: string | undefined;
      const read = (rev: number): PdfObject | undefined => {
        try {
          return doc.getObject(num, rev);
        } catch (e) {
          unreadable ??= `object ${num} could not be read as of revision ${rev}: ${e instanceof Error ? e.message : String(e)}`;
          return undefined;
        }
      };
      const before = read(k - 1);
      const after = isFree ? undefined : read(k);
      if (isFree && before === undefined && !unreadable) continue; // freeing what was already free: no effect
      const change: ChangeKind = isFree ? 'freed' : before === undefined && !unreadable ? 'new' : 'replaced';
      const identical = !unreadable && change === 'replaced' && sameValue(before, after);
      const d = change === 'replaced' ? diffKeys(before, after) : { added: [], removed: [], changed: [] };
      out.push({
        revision: k,
        object: num,
        change,
        before,
        after,
        keysAdded: d.added,
        keysRemoved: d.removed,
        keysChanged: d.changed,
        identical,
        ...(unreadable ? { unreadable } : {}),
      });
    }
  }
  return out;
}

/** All changes of every revision after `signedRevision`. */
export function changesAfter(doc: PdfDocument, signedRevision: number): ObjectChange[] {
  const out: ObjectChange[] = [];
  for (let k = signedRevision + 1; k < doc.revisions.length; k++) out.push(...revisionChanges(doc, k));
  return out;
}

/** One incoming reference: the referring object (or the trailer) and the key path inside it ("[]" for array items). */
export interface IncomingRef {
  from: number | 'trailer';
  path: string[];
}

/**
 * Bounds of the reference index. Past any of them the index is incomplete, and an incomplete index grants no role:
 * the analysis is DISALLOWED (an object the traversal never reached would otherwise look unreferenced, and a
 * truncated list of referrers could hide the one reference that is not whitelisted).
 */
export const REF_INDEX_LIMITS = {
  /** Objects visited from the trailer. */
  maxObjects: 200_000,
  /** Incoming references kept, over all objects (none is dropped per object); bounds the index's memory. */
  maxReferences: 1_000_000,
  /** Nesting of arrays and dictionaries inside one object. */
  maxDepth: 32,
};

/** Who references what, as of one revision: object number → every incoming reference. Traversal is bounded. */
export class RefIndex {
  readonly incoming = new Map<number, IncomingRef[]>();
  /** False when the traversal hit a bound or an object could not be read (the index is then incomplete). */
  complete = true;
  /** Why the index is incomplete (the first bound hit). */
  incompleteReason: string | undefined;

  constructor(
    readonly doc: PdfDocument,
    readonly rev: number,
    limits: Partial<typeof REF_INDEX_LIMITS> = {},
  ) {
    const { maxObjects, maxReferences, maxDepth } = { ...REF_INDEX_LIMITS, ...limits };
    const trailer = doc.revision(rev).trailer;
    const queue: number[] = [];
    const seen = new Set<number>();
    let references = 0;
    const stop = (reason: string): void => {
      this.complete = false;
      this.incompleteReason ??= reason;
    };
    const visit = (o: PdfObject | undefined, from: number | 'trailer', path: string[], depth: number): void => {
      if (o === undefined || o === null || !this.complete) return;
      if (depth > maxDepth) return stop(`nesting deeper than ${maxDepth} in object ${from}`);
      if (o instanceof PdfRef) {
        if (++references > maxReferences) return stop(`more than ${maxReferences} references`);
        let list = this.incoming.get(o.num);
        if (!list) this.incoming.set(o.num, (list = []));
        list.push({ from, path });
        if (!seen.has(o.num)) {
          seen.add(o.num);
          queue.push(o.num);
        }
        return;
      }
      if (Array.isArray(o)) {
        const items = [...path, '[]']; // one path shared by every item: a long array costs no copy per item
        for (const x of o) visit(x, from, items, depth + 1);
      } else if (o instanceof PdfStream) visit(o.dict, from, path, depth + 1);
      else if (o instanceof PdfDict) for (const [k, v] of o.map) visit(v, from, [...path, k], depth + 1);
    };
    for (const [k, v] of trailer.map) if (k !== 'Prev' && k !== 'XRefStm') visit(v, 'trailer', [k], 0);
    for (const [i, num] of queue.entries()) {
      // the queue grows as it is walked
      if (!this.complete) break;
      if (i >= maxObjects) {
        stop(`more than ${maxObjects} objects`);
        break;
      }
      let value: PdfObject | undefined;
      try {
        value = doc.getObject(num, rev);
      } catch (e) {
        stop(`object ${num} could not be read: ${e instanceof Error ? e.message : String(e)}`);
        break;
      }
      visit(value, num, [], 0);
    }
  }

  refs(num: number): IncomingRef[] {
    return this.incoming.get(num) ?? [];
  }

  reachable(num: number): boolean {
    return this.incoming.has(num);
  }
}
