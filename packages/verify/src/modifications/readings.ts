/**
 * Object swaps: a cross-reference entry whose bytes carry another object's header ("6 0 obj" where 8 is expected,
 * "5 1 obj" for 5 0). Viewers read such a file differently — some take the bytes at the offset (MuPDF for a
 * generation mismatch), some reject the entry and rebuild the table by scanning for the last "n g obj" (poppler,
 * MuPDF for a number mismatch) — so one file can show different pages. Here every content-bearing object (the
 * catalog, the page tree, pages and everything they draw: contents, resources, XObjects, annotations and their
 * appearances) is read each way and compared with kyso's own reading. Facts only; analyse.ts decides.
 */
import { PdfDict, PdfRef, PdfStream, type PdfDocument, type PdfObject } from '@kyso/pdf';
import { sameValue } from './diff.js';

/** A cross-reference entry whose bytes do not begin with its own "num gen obj" (from @kyso/pdf). */
export interface XrefAnomaly {
  revision: number;
  object: number;
  gen: number;
  /** Where the entry points: a file offset, or an index in an object stream. */
  offset?: number;
  stream?: { num: number; index: number };
  /** What is there: another number, another generation, or no object header at all. */
  kind: 'number-mismatch' | 'generation-mismatch' | 'no-object-header';
  /** The header found, as "n g". */
  found: string | null;
}

export type ContentRole =
  | 'catalog'
  | 'page-tree'
  | 'page'
  | 'page-contents'
  | 'resources'
  | 'xobject'
  | 'annotation'
  | 'appearance'
  | 'page-object';

/**
 * 'offset': follow the entry's offset whatever the header says; 'scan': the last "n g obj" in the file;
 * 'generation': honour generation numbers, so a reference whose generation is not the entry's reads as null.
 */
export type Reading = 'offset' | 'scan' | 'generation';

/** A content-bearing object that a viewer reading the file another way shows differently from kyso's reading. */
export interface ReadingDifference {
  /** The state read: the file as of this revision. */
  revision: number;
  object: number;
  role: ContentRole;
  reading: Reading;
}

/** Bounds on the content-bearing closure; past them the closure is incomplete and the reading counts as different. */
export const READING_LIMITS = { maxObjects: 100_000, maxDepth: 64 };

export function xrefAnomalies(doc: PdfDocument): XrefAnomaly[] {
  return doc.headerMismatches().map((m) => ({
    revision: m.revision,
    object: m.num,
    gen: m.gen,
    ...(m.offset !== undefined ? { offset: m.offset } : {}),
    ...(m.stream ? { stream: m.stream } : {}),
    kind: !m.found ? 'no-object-header' : m.found.num !== m.num ? 'number-mismatch' : 'generation-mismatch',
    found: m.found ? `${m.found.num} ${m.found.gen}` : null,
  }));
}

const ROLE_RANK: ContentRole[] = [
  'page-object',
  'resources',
  'xobject',
  'annotation',
  'appearance',
  'page-contents',
  'page',
  'page-tree',
  'catalog',
];

/** The role an object reached under `key` from a parent of role `parent` plays. */
function roleUnder(parent: ContentRole, key: string, value: PdfObject | undefined): ContentRole {
  const type =
    value instanceof PdfDict
      ? value.getName('Type')
      : value instanceof PdfStream
        ? value.dict.getName('Type')
        : undefined;
  if (type === 'Page') return 'page';
  if (type === 'Pages') return 'page-tree';
  if (parent === 'appearance' || key === 'AP') return 'appearance';
  if (parent === 'xobject' || key === 'XObject') return 'xobject';
  if (key === 'Annots' || parent === 'annotation') return 'annotation';
  if (key === 'Resources' || parent === 'resources') return 'resources';
  if (key === 'Contents' && parent === 'page') return 'page-contents';
  if (parent === 'page-contents') return 'page-contents';
  return 'page-object';
}

export interface ContentClosure {
  /** Object number → the generation it is referenced with and its role. */
  objects: Map<number, { gen: number; role: ContentRole }>;
  complete: boolean;
}

/**
 * What the document as of `rev` shows, by object: from the catalog through /Pages and every page, all they refer
 * to except back-pointers (/Parent, /P) — contents, resources, XObjects, annotations and appearances.
 */
export function contentClosure(doc: PdfDocument, rev: number): ContentClosure {
  const objects = new Map<number, { gen: number; role: ContentRole }>();
  let complete = true;
  const queue: PdfRef[] = [];
  const read = (ref: PdfRef): PdfObject | undefined => {
    try {
      return doc.getObject(ref, rev);
    } catch {
      complete = false;
      return undefined;
    }
  };
  const add = (ref: PdfRef, role: ContentRole): void => {
    const had = objects.get(ref.num);
    if (had) {
      if (ROLE_RANK.indexOf(role) > ROLE_RANK.indexOf(had.role)) had.role = role;
      return;
    }
    if (objects.size >= READING_LIMITS.maxObjects) {
      complete = false;
      return;
    }
    objects.set(ref.num, { gen: ref.gen, role });
    queue.push(ref);
  };
  /** `o` found under `key` in an object of role `parent`. */
  const visit = (o: PdfObject | undefined, parent: ContentRole, key: string, depth: number): void => {
    if (o === undefined || o === null) return;
    if (depth > READING_LIMITS.maxDepth) {
      complete = false;
      return;
    }
    if (o instanceof PdfRef) add(o, roleUnder(parent, key, read(o)));
    else if (Array.isArray(o)) for (const x of o) visit(x, parent, key, depth + 1);
    else if (o instanceof PdfDict) {
      const role = roleUnder(parent, key, o);
      for (const [k, v] of o.map) if (k !== 'Parent' && k !== 'P') visit(v, role, k, depth + 1);
    }
  };
  /** The entries of an indirect object of role `role`. */
  const visitEntries = (value: PdfObject | undefined, role: ContentRole): void => {
    const dict = value instanceof PdfStream ? value.dict : value;
    if (Array.isArray(dict)) for (const x of dict) visit(x, role, '', 1);
    else if (dict instanceof PdfDict)
      for (const [k, v] of dict.map) if (k !== 'Parent' && k !== 'P') visit(v, role, k, 1);
  };
  const root = doc.revisions[rev]?.trailer.get('Root');
  if (root instanceof PdfRef) {
    objects.set(root.num, { gen: root.gen, role: 'catalog' });
    const catalog = read(root);
    if (catalog instanceof PdfDict) visit(catalog.get('Pages'), 'catalog', 'Pages', 0);
  }
  for (const ref of queue) visitEntries(read(ref), objects.get(ref.num)!.role); // the queue grows as it is walked
  return { objects, complete };
}

/**
 * Content-bearing objects of `closure` that a viewer shows differently from kyso's reading of the file as of
 * `rev`: following the entry's offset whatever its header says, or taking the last "n g obj" (of that
 * generation, or of the highest generation for the number) before the revision's end.
 */
export function readingDifferences(doc: PdfDocument, rev: number, closure: ContentClosure): ReadingDifference[] {
  const out: ReadingDifference[] = [];
  const end = doc.revision(rev).end;
  for (const [num, { gen, role }] of closure.objects) {
    const e = doc.entry(num, rev)?.entry;
    // kyso's reading as of this state: getObject, except that where it falls back to a scan it scans the whole
    // file, later revisions included; as of an earlier state only the bytes before its end count.
    let normal: PdfObject | undefined;
    try {
      const at = e?.type === 'offset' ? doc.objectAt(e.offset) : undefined;
      normal =
        e?.type === 'offset' && at?.num !== num
          ? (doc.scannedObject(num, gen, end)?.value ?? doc.getObject(new PdfRef(num, gen), rev))
          : doc.getObject(new PdfRef(num, gen), rev);
    } catch {
      normal = undefined;
    }
    const entryGen = e?.type === 'offset' ? e.gen : e?.type === 'compressed' ? 0 : undefined;
    const readings: [Reading, () => PdfObject | undefined][] = [
      ['generation', () => (entryGen !== undefined && entryGen !== gen ? undefined : normal)],
      [
        'offset',
        () =>
          e?.type === 'offset'
            ? (doc.objectAt(e.offset)?.value ?? normal)
            : e?.type === 'compressed'
              ? (doc.compressedAt(e.stream, e.index, rev) ?? normal)
              : normal,
      ],
      ['scan', () => scanned(doc, num, gen, end, normal)],
      ['scan', () => scanned(doc, num, undefined, end, normal)],
    ];
    for (const [reading, read] of readings) {
      let other: PdfObject | undefined;
      let differs: boolean;
      try {
        other = read();
        differs = !sameValue(normal, other);
      } catch {
        differs = true; // unreadable one way: cannot tell what that viewer shows
      }
      if (differs) {
        out.push({ revision: rev, object: num, role, reading });
        break;
      }
    }
  }
  return out;
}

/**
 * What a rebuilding viewer takes for `num`: the last header's object; kyso's own reading when the scan finds no
 * header at all. A last header that does not parse throws (the caller counts it as a different reading): the
 * viewer takes that copy, or loses the object, and shows something other than kyso's reading either way.
 */
function scanned(
  doc: PdfDocument,
  num: number,
  gen: number | undefined,
  end: number,
  normal: PdfObject | undefined,
): PdfObject | undefined {
  const at = doc.scannedHeader(num, gen, end);
  if (!at) return normal;
  const read = doc.objectAt(at.offset);
  if (!read) throw new Error(`object ${num}: the last header found by scanning (offset ${at.offset}) does not parse`);
  return read.value;
}

const ROLE_TEXT: Record<ContentRole, string> = {
  catalog: 'the catalog',
  'page-tree': 'a page tree node',
  page: 'a page',
  'page-contents': 'page contents',
  resources: 'page resources',
  xobject: 'a drawn XObject',
  annotation: 'an annotation',
  appearance: "an annotation's appearance",
  'page-object': 'an object of a page',
};

const READING_TEXT: Record<Reading, string> = {
  offset: 'a viewer that follows the cross-reference offset (or object stream index)',
  scan: 'a viewer that rebuilds the cross-reference table by scanning',
  generation: 'a viewer that honours generation numbers (the reference and the entry differ)',
};

export function describeDifference(d: ReadingDifference): string {
  const how = READING_TEXT[d.reading];
  return `object swap: ${how} shows ${ROLE_TEXT[d.role]} (object ${d.object}) different from the cross-reference reading`;
}

/** "offset 1234" or "index 0 of object stream 12". */
export function anomalyPlace(a: XrefAnomaly): string {
  return a.stream ? `index ${a.stream.index} of object stream ${a.stream.num}` : `offset ${a.offset}`;
}

export function describeAnomaly(a: XrefAnomaly): string {
  const at = `the cross-reference entry for object ${a.object} ${a.gen} (revision ${a.revision}) points at ${anomalyPlace(a)}`;
  if (!a.found) return `${at}, where no object is`;
  return a.stream
    ? `${at}, where the stream lists object ${a.found.split(' ')[0]}`
    : `${at}, where the header says "${a.found} obj"`;
}
