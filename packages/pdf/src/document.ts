/**
 * A PDF file as a chain of revisions. Each incremental update is its own revision with its byte span, trailer
 * and the objects it defines; any object can be read as of any revision. Damaged files are recovered by scanning
 * and flagged as such; encrypted files are detected and reported.
 */
import { ascii, indexOf, lastIndexOf, latin1, toSource, type ByteSource } from './byte-source.js';
import { PdfError } from './errors.js';
import { DecodeBudget, decodeStream } from './filters.js';
import { PdfDict, PdfRef, PdfStream, type PdfObject } from './objects.js';
import { isWs } from './lexer.js';
import { LIMITS, parseDirect, parseIndirectAt, withWindow, ObjectParser, type ParseContext } from './parser.js';
import { scanObjects, type ScanResult, type ScannedObject } from './recovery.js';
import { readXrefSection, type XrefEntry, type XrefSection } from './xref.js';
import { IncrementalWriter } from './incremental-writer.js';
import { HeaderReader, type HeaderMismatch, type ObjectHeader } from './object-headers.js';
import { hiddenMarks, type HiddenMark } from './hidden-marks.js';

/** An xref offset this far from the next one is parsed to see whether it is a stream whose data can be skipped. */
const LARGE_OBJECT_GAP = 1 << 16;

export interface PdfWarning {
  code: string;
  message: string;
  offset?: number;
}

export type RevisionKind = 'table' | 'stream' | 'hybrid' | 'recovered';

export interface Revision {
  /** 0 for the original document, then one per incremental update. */
  index: number;
  /** Byte span [start, end): from the previous revision's end to just after this revision's %%EOF and EOL. */
  start: number;
  end: number;
  /** Offset of this revision's "%%EOF" marker (-1 when it has none). */
  eofOffset: number;
  /** The startxref value that opens this revision's cross-reference data. */
  xrefOffset: number;
  kind: RevisionKind;
  sections: XrefSection[];
  trailer: PdfDict;
  /** This revision's own entries (not inherited ones). */
  entries: Map<number, XrefEntry>;
}

export interface EncryptionInfo {
  filter: string | undefined;
  v: number | undefined;
  r: number | undefined;
}

export interface TrailingBytes {
  offset: number;
  length: number;
  /** Only whitespace and NULs (harmless padding) versus real content. */
  whitespaceOnly: boolean;
}

export interface UnreferencedObject {
  num: number;
  gen: number;
  offset: number;
  /** The revision whose byte span holds it. */
  revision: number;
}

export interface PageRef {
  ref: PdfRef;
  dict: PdfDict;
}

export interface LoadOptions {
  /** Refuse to recover a damaged file (throw instead). Default false: recover and flag. */
  strict?: boolean;
  /**
   * Decoded bytes all of this document's streams may produce together (default `LIMITS.maxDocumentDecodedBytes`,
   * 512 MiB); beyond it reading throws PDF_LIMIT.
   */
  maxDecodedBytes?: number;
  /**
   * Also read revisions older than the oldest one the /Prev chain reaches: an update whose trailer has no /Prev
   * (a whole new table) cuts the history off, and a signed revision before it would vanish from view. Costs one
   * backward scan for %%EOF outside large streams' data; the verifier asks for it. Default false.
   */
  fullHistory?: boolean;
}

const STARTXREF = ascii('startxref');
const EOF_MARK = ascii('%%EOF');
const HEADER = ascii('%PDF-');
const XREF = ascii('xref');
const TRAILER_KEYWORD = ascii('trailer');
/** The bytes at the end of a file where viewers look for "startxref". */
const VIEWER_TAIL = 1024;
/**
 * What kyso read past that a viewer reading the chain from startxref would not (see viewerRepairReason); the damage
 * that makes kyso scan itself (RECOVERED, XREF_PREV_BROKEN, XREF_OFFSET_WRONG) is `recovered`.
 */
const VIEWER_REPAIR_WARNINGS = new Set(['XREF_FRAGMENT', 'XREF_CHAIN_CUT', 'XREF_PREV_BAD', 'XREF_STM_BROKEN']);

export class PdfDocument {
  readonly source: ByteSource;
  readonly version: string;
  /** Offset of "%PDF-" (normally 0). */
  readonly headerOffset: number;
  readonly revisions: Revision[] = [];
  readonly warnings: PdfWarning[] = [];
  /** True when cross-reference data was missing or wrong and objects were located by scanning. */
  recovered = false;
  readonly encryption: EncryptionInfo | null;

  private scan: Map<string, number> | null = null;
  private scanOffsets: Map<string, ScannedObject[]> | null = null;
  private mismatches: HeaderMismatch[] | null = null;
  /** Single header look-ups (a small window), and offsets where no object parses. */
  private headers: HeaderReader | null = null;
  private unparsable = new Set<number>();
  private scanResult: ScanResult | null = null;
  /** hiddenAfter's search, from the lowest offset asked so far. */
  private hidden: { from: number; marks: HiddenMark[] } | null = null;
  private cache = new Map<number, { num: number; gen: number; value: PdfObject }>();
  private objStmCache = new Map<string, { offsets: number[]; nums: number[]; first: number; data: Uint8Array }>();
  /** Object streams being opened (objectStream), so that one whose header needs itself is refused. */
  private openingStreams = new Set<string>();
  private resolving = 0;
  readonly ctx: ParseContext;
  /** What is left of the decoded-bytes allowance (`LoadOptions.maxDecodedBytes`). */
  readonly decodeBudget: DecodeBudget;

  private constructor(source: ByteSource, options: LoadOptions) {
    this.source = source;
    this.decodeBudget = new DecodeBudget(options.maxDecodedBytes ?? LIMITS.maxDocumentDecodedBytes);
    if (source.length === 0) throw new PdfError('PDF_EMPTY');
    const head = source.read(0, 1024);
    this.headerOffset = indexOfHeader(head);
    if (this.headerOffset < 0) throw new PdfError('PDF_NOT_PDF');
    const vm = /^%PDF-(\d\.\d)/.exec(latin1(head.subarray(this.headerOffset, this.headerOffset + 16)));
    this.version = vm?.[1] ?? '1.4';
    this.ctx = {
      source,
      resolveLength: (ref) => this.resolveLength(ref),
      onWarning: (code, message, offset) => this.warn(code, message, offset),
    };
    try {
      this.readChain();
    } catch (e) {
      if (options.strict || !(e instanceof PdfError) || e.code === 'PDF_LIMIT') throw e;
      if (!this.readChainBeforeFragment()) {
        this.warn('RECOVERED', `cross-reference data unusable (${e.messageEn}); objects located by scanning`);
        this.recoverAll();
      }
    }
    const enc = this.trailer.get('Encrypt');
    if (enc !== undefined && enc !== null) {
      const d = this.resolve(enc);
      const dict = d instanceof PdfDict ? d : undefined;
      const v = dict?.get('V');
      const r = dict?.get('R');
      this.encryption = {
        filter: dict?.getName('Filter'),
        v: typeof v === 'number' ? v : undefined,
        r: typeof r === 'number' ? r : undefined,
      };
    } else this.encryption = null;
    // A catalog whose page tree does not resolve: an update without /Prev that redefines the catalog cut the chain.
    if (
      !this.encryption &&
      !this.recovered &&
      !options.strict &&
      this.catalog() instanceof PdfDict &&
      !(this.getDict(this.catalog(), 'Pages') instanceof PdfDict)
    ) {
      this.readChainBeforeFragment();
    }
    if (options.fullHistory && !this.encryption && !this.recovered && this.catalog() instanceof PdfDict)
      this.readCutHistory();
    if (!this.encryption && !(this.catalog() instanceof PdfDict)) {
      if (this.recovered || options.strict) throw new PdfError('PDF_NO_CATALOG');
      if (this.readChainBeforeFragment()) return;
      this.warn('RECOVERED', 'the catalog could not be read through the cross-reference data');
      this.recoverAll();
      if (!(this.catalog() instanceof PdfDict)) throw new PdfError('PDF_NO_CATALOG');
    }
  }

  /** Reads a PDF. Throws PdfError for input that is not a PDF or cannot be read even by recovery. */
  static load(input: Uint8Array | ByteSource, options: LoadOptions = {}): PdfDocument {
    return new PdfDocument(toSource(input), options);
  }

  get length(): number {
    return this.source.length;
  }

  /** The newest revision. */
  get latest(): Revision {
    return this.revision(this.revisions.length - 1);
  }

  /** Revision `rev` (0 = the oldest); PDF_XREF when the file has no such revision. */
  revision(rev: number): Revision {
    const r = this.revisions[rev];
    if (!r) throw new PdfError('PDF_XREF', { revision: rev }, 'no such revision');
    return r;
  }

  /** The newest revision's trailer. */
  get trailer(): PdfDict {
    return this.latest.trailer;
  }

  private warn(code: string, message: string, offset?: number): void {
    if (this.warnings.length < 1000)
      this.warnings.push(offset === undefined ? { code, message } : { code, message, offset });
  }

  // ---------------------------------------------------------------- cross-reference chain and revisions

  /** `before`: read the chain of the last startxref before this offset (default: the file's end). */
  private readChain(before = this.source.length): void {
    const src = this.source;
    const sx = lastIndexOf(src, STARTXREF, before, Math.max(0, before - (1 << 20)));
    if (sx < 0) throw new PdfError('PDF_XREF', {}, 'no startxref');
    const startxref = startxrefValue(src, sx);
    if (startxref < 0 || startxref >= src.length) throw new PdfError('PDF_XREF', { offset: sx }, 'bad startxref');

    // Walk /Prev from the newest section; a section whose /Prev points forward (linearised files: the
    // first-page table points to the main table) belongs to the same revision as the one that points to it.
    const groups: { xrefOffset: number; sections: XrefSection[] }[] = [];
    const seen = new Set<number>();
    let next: number | undefined = startxref;
    let prevOffset = Infinity;
    while (next !== undefined) {
      if (seen.has(next)) {
        this.warn('XREF_PREV_LOOP', 'the /Prev chain loops; stopped following it', next);
        break;
      }
      if (seen.size > 10_000) throw new PdfError('PDF_LIMIT', {}, 'too many xref sections');
      seen.add(next);
      let section: XrefSection;
      try {
        section = this.readSection(next);
      } catch (e) {
        if (groups.length === 0) throw e;
        this.warn(
          'XREF_PREV_BROKEN',
          'an older cross-reference section is unreadable; objects located by scanning',
          next,
        );
        this.recovered = true;
        break;
      }
      const sections = [section];
      const stm = section.kind === 'table' ? section.trailer.get('XRefStm') : undefined;
      if (typeof stm === 'number' && !seen.has(stm)) {
        try {
          sections.push(this.readSection(stm));
          seen.add(stm);
        } catch {
          this.warn('XREF_STM_BROKEN', 'the /XRefStm of a hybrid file is unreadable', stm);
        }
      }
      const group = groups.at(-1);
      if (section.offset > prevOffset && group) group.sections.push(...sections);
      else groups.push({ xrefOffset: next, sections });
      prevOffset = section.offset;
      const prev = section.trailer.get('Prev');
      next = typeof prev === 'number' && Number.isInteger(prev) && prev >= 0 && prev < src.length ? prev : undefined;
      if (prev !== undefined && next === undefined) this.warn('XREF_PREV_BAD', 'a /Prev value is not a valid offset');
    }
    groups.reverse();
    let start = 0;
    for (const g of groups) {
      const maxOffset = Math.max(...g.sections.map((s) => s.offset));
      const eof = indexOf(src, EOF_MARK, maxOffset);
      let end: number;
      if (eof < 0) {
        this.warn('NO_EOF', 'a revision has no %%EOF marker', maxOffset);
        end = src.length;
      } else end = afterEol(src, eof + EOF_MARK.length);
      if (end <= start) {
        this.warn('REVISION_ORDER', 'cross-reference sections are out of file order', maxOffset);
      }
      const entries = new Map<number, XrefEntry>();
      // Precedence inside one revision: the section read first (the table of a hybrid file, the first-page
      // table of a linearised one) wins; the others fill in objects it marks free or omits.
      for (const s of g.sections) {
        for (const [num, e] of s.entries) {
          const had = entries.get(num);
          if (!had || (had.type === 'free' && e.type !== 'free')) entries.set(num, e);
        }
      }
      const kinds = new Set(g.sections.map((s) => s.kind));
      const first = g.sections[0]!; // a group is made with its first section
      const hybrid = first.kind === 'table' && first.trailer.has('XRefStm');
      this.revisions.push({
        index: this.revisions.length,
        start,
        end: Math.max(end, start),
        eofOffset: eof,
        xrefOffset: g.xrefOffset,
        kind: hybrid ? 'hybrid' : kinds.has('table') ? 'table' : 'stream',
        sections: g.sections,
        trailer: first.trailer,
        entries,
      });
      start = Math.max(end, start);
    }
  }

  /**
   * Real signing products append, after the last signed revision's %%EOF, a cross-reference fragment (an `xref`
   * table, often empty, and a trailer) whose startxref is off or whose trailer has no /Prev, so the chain cannot be
   * read from the end. The revisions are then read from the newest earlier %%EOF whose startxref opens a chain that
   * reaches a catalog, and each `xref` table after it, found by its keyword, becomes one more revision (its entries
   * as written: a fragment that redefines objects is judged like any update). Bytes after that chain that hold no
   * readable table stay trailing bytes. False (the revisions read before kept) when no earlier %%EOF gives such a chain.
   */
  private readChainBeforeFragment(): boolean {
    const src = this.source;
    const saved = this.revisions.splice(0);
    let eof = lastIndexOf(src, EOF_MARK, src.length);
    for (let tries = 0; eof > 0 && tries < 16; tries++) {
      eof = lastIndexOf(src, EOF_MARK, eof, Math.max(0, eof - (1 << 24)));
      if (eof < 0) break;
      this.revisions.length = 0;
      this.cache.clear();
      try {
        this.readChain(eof);
        if (!(this.catalog() instanceof PdfDict) || this.latest.end > eof + EOF_MARK.length + 2) continue;
      } catch (e) {
        if (e instanceof PdfError && e.code === 'PDF_LIMIT') throw e;
        continue;
      }
      const before = this.revisions.length;
      this.appendFragments();
      // No table after it: the tail is not a fragment (an object appended without xref) — recovery by scanning shows it.
      if (this.revisions.length === before) break;
      const chainEnd = this.revision(before - 1).end;
      this.warn(
        'XREF_FRAGMENT',
        `the cross-reference data after offset ${chainEnd} does not continue the chain (startxref off or no /Prev); ${this.revisions.length - before} section(s) after it read by their keyword`,
        chainEnd,
      );
      return true;
    }
    this.revisions.length = 0;
    this.revisions.push(...saved);
    this.cache.clear();
    return false;
  }

  /**
   * Revisions before the oldest one the chain reaches (LoadOptions.fullHistory): while a %%EOF lies before that
   * revision's cross-reference data and the startxref before it opens a chain that reaches a catalog, that chain's
   * revisions are put in front (the cut-off revision then starts where they end). Warning XREF_CHAIN_CUT.
   */
  private readCutHistory(): void {
    for (let n = 0; n < 16; n++) {
      const first = this.revisions[0];
      if (!first || first.kind === 'recovered') return;
      const minOffset = Math.min(...first.sections.map((x) => x.offset));
      const eof = this.lastEofOutsideStreams(minOffset);
      if (eof < 0) return;
      const newer = this.revisions.splice(0);
      const warnings = this.warnings.length;
      const recovered = this.recovered;
      try {
        this.readChain(eof);
        const last = this.latest;
        if (
          !(this.catalog() instanceof PdfDict) ||
          last.end > minOffset ||
          this.revisions.some((r) => r.sections.some((x) => x.offset >= minOffset))
        )
          throw new PdfError('PDF_XREF');
      } catch (e) {
        this.revisions.length = 0;
        this.revisions.push(...newer);
        this.warnings.length = warnings;
        this.recovered = recovered;
        if (e instanceof PdfError && e.code === 'PDF_LIMIT') throw e;
        return;
      }
      const end = this.latest.end;
      this.warn(
        'XREF_CHAIN_CUT',
        `an update without /Prev cut the history off; ${this.revisions.length} earlier revision(s) read from the %%EOF at ${eof}`,
        first.start,
      );
      for (const [i, r] of newer.entries())
        this.revisions.push({ ...r, index: this.revisions.length, start: i === 0 ? end : r.start });
    }
  }

  /**
   * The last %%EOF before `before`, outside the data of large streams the entries point at: a 50 MB scan is then
   * not searched (and an embedded file's %%EOF is none of this file's). The signed bytes of a cut-off revision cannot
   * be made stream data by a later update: a stream's length is fixed where the stream was written.
   */
  private lastEofOutsideStreams(before: number): number {
    const spans = this.largeStreamSpans();
    let end = before;
    for (const [start, stop] of [...spans].reverse()) {
      if (start >= end) continue;
      if (stop < end) {
        const at = lastIndexOf(this.source, EOF_MARK, end, stop);
        if (at >= 0) return at;
      }
      end = start;
    }
    return lastIndexOf(this.source, EOF_MARK, end, 0);
  }

  /** Each `xref` table after the newest revision read so far, as one more revision (see readChainBeforeFragment). */
  private appendFragments(): void {
    const src = this.source;
    for (let n = 0; n < 16; n++) {
      const prev = this.latest;
      let at = indexOf(src, XREF, prev.end);
      // "startxref" contains "xref": a table keyword starts a token
      while (at > prev.end && !isWs(src.read(at - 1, at)[0])) at = indexOf(src, XREF, at + 4);
      if (at < 0) return;
      let section: XrefSection;
      try {
        section = readXrefSection(this.ctx, at);
      } catch (e) {
        if (e instanceof PdfError && e.code === 'PDF_LIMIT') throw e;
        return;
      }
      if (section.kind !== 'table') return;
      const eof = indexOf(src, EOF_MARK, at);
      const end = eof < 0 ? src.length : afterEol(src, eof + EOF_MARK.length);
      // The fragment's trailer speaks for this revision; what it omits (often /Root, /Info) stays as before.
      const trailer = new PdfDict();
      for (const [k, v] of prev.trailer.map) if (k !== 'Prev' && k !== 'XRefStm') trailer.set(k, v);
      for (const [k, v] of section.trailer.map) if (k !== 'Prev' && k !== 'XRefStm') trailer.set(k, v);
      this.revisions.push({
        index: this.revisions.length,
        start: prev.end,
        end,
        eofOffset: eof,
        xrefOffset: at,
        kind: 'table',
        sections: [section],
        trailer,
        entries: new Map(section.entries),
      });
      if (eof < 0) return;
    }
  }

  private readSection(offset: number): XrefSection {
    try {
      return readXrefSection(this.ctx, offset);
    } catch (e) {
      // Files with junk before %PDF- count offsets from the header.
      if (this.headerOffset > 0) return readXrefSection(this.ctx, offset + this.headerOffset);
      throw e;
    }
  }

  /** Rebuilds the object table from a scan of the whole file: one 'recovered' revision. */
  private recoverAll(): void {
    this.recovered = true;
    this.revisions.length = 0;
    this.cache.clear();
    const scan = this.scanAll();
    const entries = new Map<number, XrefEntry>();
    for (const o of scan.objects) entries.set(o.num, { type: 'offset', offset: o.offset, gen: o.gen });
    const trailer = new PdfDict();
    const rev: Revision = {
      index: 0,
      start: 0,
      end: this.source.length,
      eofOffset: lastIndexOf(this.source, EOF_MARK, this.source.length),
      xrefOffset: -1,
      kind: 'recovered',
      sections: [],
      trailer,
      entries,
    };
    if (rev.eofOffset >= 0) rev.end = afterEol(this.source, rev.eofOffset + EOF_MARK.length);
    this.revisions.push(rev);
    // Trailers: the "trailer" dictionaries, then xref streams; later ones win.
    for (const t of scan.trailers) {
      try {
        const d = withWindow(this.source, t, (lx) => {
          lx.next();
          return new ObjectParser(lx, this.ctx).parse(0);
        });
        if (d instanceof PdfDict) for (const [k, v] of d.map) if (k !== 'Prev' && k !== 'XRefStm') trailer.set(k, v);
      } catch {
        /* a damaged trailer: skip it */
      }
    }
    // Object streams and xref streams are only known after parsing each object.
    for (const o of scan.objects) {
      let value: PdfObject;
      try {
        value = parseIndirectAt(this.ctx, o.offset).value;
      } catch {
        continue;
      }
      if (!(value instanceof PdfStream)) continue;
      const type = value.dict.getName('Type');
      if (type === 'XRef') {
        for (const k of ['Root', 'Info', 'ID', 'Encrypt']) {
          const v = value.dict.get(k);
          if (v !== undefined) trailer.set(k, v);
        }
      } else if (type === 'ObjStm') {
        try {
          const stm = this.objectStream(o.num, value);
          stm.nums.forEach((num, index) => {
            if (!entries.has(num)) entries.set(num, { type: 'compressed', stream: o.num, index });
          });
        } catch (err) {
          if (err instanceof PdfError && err.code === 'PDF_LIMIT') throw err; // over the budget: not "unreadable"
        }
      }
    }
    if (!(this.resolve(trailer.get('Root')) instanceof PdfDict)) {
      for (const o of scan.objects) {
        const v = this.getObject(new PdfRef(o.num, o.gen));
        if (v instanceof PdfDict && v.getName('Type') === 'Catalog') trailer.set('Root', new PdfRef(o.num, o.gen));
      }
    }
  }

  private scanAll(): ScanResult {
    if (!this.scanResult) this.scanResult = scanObjects(this.source, 0, this.source.length);
    return this.scanResult;
  }

  private scanIndex(): Map<string, number> {
    if (!this.scan) {
      this.scan = new Map();
      for (const o of this.scanAll().objects) this.scan.set(`${o.num} ${o.gen}`, o.offset);
    }
    return this.scan;
  }

  /**
   * The byte spans of large streams' data, ascending and not overlapping: streams are found from the gaps between
   * the offsets the xref sections give, so only objects followed by a large gap are parsed (and kept in the object
   * cache, where getObject finds them after checking the number).
   */
  private largeStreamSpans(): [number, number][] {
    const numAt = new Map<number, number>();
    for (const rev of this.revisions)
      for (const s of rev.sections) for (const [num, e] of s.entries) if (e.type === 'offset') numAt.set(e.offset, num);
    const offsets = [...numAt.keys()].sort((a, b) => a - b);
    const spans: [number, number][] = [];
    for (const [i, at] of offsets.entries()) {
      if ((offsets[i + 1] ?? this.source.length) - at < LARGE_OBJECT_GAP) continue;
      let parsed = this.cache.get(at);
      if (!parsed) {
        try {
          parsed = parseIndirectAt(this.ctx, at);
        } catch {
          continue; // damaged or over a limit: its bytes are scanned like any others
        }
        this.cache.set(at, parsed);
      }
      const v = parsed.value;
      if (parsed.num !== numAt.get(at) || !(v instanceof PdfStream) || v.data.kind !== 'source') continue;
      const start = v.data.start;
      const lastSpan = spans.at(-1);
      if (start > at && (!lastSpan || start >= lastSpan[1])) spans.push([start, start + v.data.length]);
    }
    return spans;
  }

  /**
   * "n g obj" headers in the file, outside the data of large streams the xref sections point at: a stream's data
   * is not objects to a reader (an embedded uncompressed PDF would otherwise show as "unreferenced objects"), and
   * skipping a 50 MB image keeps the check from scanning it. Streams are found from the gaps between xref
   * offsets, so only objects followed by a large gap are parsed here.
   */
  private headersOutsideStreamData(): ScannedObject[] {
    const skips = this.largeStreamSpans();
    if (skips.length === 0) return this.scanAll().objects;
    const out: ScannedObject[] = [];
    let from = 0;
    const scanTo = (to: number): void => {
      if (to > from) for (const o of scanObjects(this.source, from, to).objects) out.push(o);
    };
    for (const [start, end] of skips) {
      scanTo(start);
      from = end; // skips ascend and do not overlap
    }
    scanTo(this.source.length);
    return out;
  }

  // ---------------------------------------------------------------- objects

  /** The entry for object `num` as of revision `rev` (inherited from older revisions), if any. */
  entry(num: number, rev = this.revisions.length - 1): { entry: XrefEntry; revision: number } | undefined {
    for (let r = Math.min(rev, this.revisions.length - 1); r >= 0; r--) {
      const e = this.revisions[r]?.entries.get(num);
      if (e) return { entry: e, revision: r };
    }
    return undefined;
  }

  /**
   * The object `ref` as of revision `rev` (default: the newest), or undefined when it is free or missing.
   * Throws PdfError only for limits (depth, size) and encryption; damage is recovered and flagged.
   */
  getObject(ref: PdfRef | number, rev = this.revisions.length - 1): PdfObject | undefined {
    const num = typeof ref === 'number' ? ref : ref.num;
    const found = this.entry(num, rev);
    if (!found) return this.recovered ? this.fromScan(num, typeof ref === 'number' ? undefined : ref.gen) : undefined;
    const e = found.entry;
    if (e.type === 'free') return undefined;
    if (e.type === 'offset') {
      const cached = this.cache.get(e.offset);
      if (cached && cached.num === num) return cached.value;
      // Files with junk before %PDF- may count offsets from the header.
      for (const off of this.headerOffset > 0 ? [e.offset, e.offset + this.headerOffset] : [e.offset]) {
        // another object's header or none: not parsed (garbage at a wrong offset can lex for megabytes)
        if (this.headerAt(off)?.num !== num) continue;
        try {
          const obj = parseIndirectAt(this.ctx, off);
          if (obj.num === num) {
            this.cache.set(e.offset, obj);
            return obj.value;
          }
        } catch (err) {
          if (err instanceof PdfError && (err.code === 'PDF_LIMIT' || err.code === 'PDF_TOO_DEEP')) throw err;
        }
      }
      this.warn('XREF_OFFSET_WRONG', `object ${num} is not at the offset its xref entry gives`, e.offset);
      this.recovered = true;
      return this.fromScan(num, e.gen);
    }
    // compressed
    if (this.encryption)
      throw new PdfError('PDF_ENCRYPTED', { object: num }, 'objects in object streams are encrypted');
    try {
      const stmObj = this.getObject(e.stream, found.revision);
      if (!(stmObj instanceof PdfStream))
        throw new PdfError('PDF_OBJECT_MISSING', { object: e.stream }, 'object stream missing');
      const stm = this.objectStream(e.stream, stmObj);
      let i = e.index;
      if (stm.nums[i] !== num) i = stm.nums.indexOf(num);
      const offset = stm.offsets[i];
      if (offset === undefined) return undefined;
      return parseDirect(stm.data, stm.first + offset, this.ctx);
    } catch (err) {
      if (
        err instanceof PdfError &&
        (err.code === 'PDF_LIMIT' || err.code === 'PDF_TOO_DEEP' || err.code === 'PDF_ENCRYPTED')
      )
        throw err;
      this.warn('OBJSTM_BROKEN', `object ${num} could not be read from object stream ${e.stream}`);
      return undefined;
    }
  }

  private fromScan(num: number, gen?: number): PdfObject | undefined {
    const idx = this.scanIndex();
    let offset = gen === undefined ? undefined : idx.get(`${num} ${gen}`);
    if (offset === undefined) for (const [k, v] of idx) if (k.startsWith(`${num} `)) offset = v;
    if (offset === undefined) return undefined;
    try {
      const obj = parseIndirectAt(this.ctx, offset);
      this.cache.set(offset, obj);
      return obj.value;
    } catch (err) {
      if (err instanceof PdfError && (err.code === 'PDF_LIMIT' || err.code === 'PDF_TOO_DEEP')) throw err;
      return undefined;
    }
  }

  private objectStream(
    num: number,
    stream: PdfStream,
  ): { offsets: number[]; nums: number[]; first: number; data: Uint8Array } {
    const key = stream.data.kind === 'source' ? `${num}@${stream.data.start}` : `${num}`;
    const hit = this.objStmCache.get(key);
    if (hit) return hit;
    // An object stream whose /Length, /N or /First (or a filter parameter) is an object kept in that same stream
    // would open itself again, and again, for ever: refused.
    if (this.openingStreams.has(key))
      throw new PdfError('PDF_SYNTAX', { object: num }, 'an object stream needs one of its own objects to be read');
    this.openingStreams.add(key);
    let data: Uint8Array;
    let n: PdfObject | undefined;
    let first: PdfObject | undefined;
    try {
      data = decodeStream(stream, (o) => this.resolve(o), undefined, this.decodeBudget);
      n = this.resolve(stream.dict.get('N'));
      first = this.resolve(stream.dict.get('First'));
    } finally {
      this.openingStreams.delete(key);
    }
    if (typeof n !== 'number' || typeof first !== 'number' || n < 0 || first < 0 || first > data.length) {
      throw new PdfError('PDF_SYNTAX', { object: num }, 'bad object stream header');
    }
    const nums: number[] = [];
    const offsets: number[] = [];
    const header = latin1(data.subarray(0, first));
    const ints = header.trim().split(/\s+/).map(Number);
    for (let i = 0; i + 1 < ints.length && nums.length < n; i += 2) {
      nums.push(ints[i]!); // i + 1 < ints.length
      offsets.push(ints[i + 1]!);
    }
    const res = { offsets, nums, first, data };
    if (this.objStmCache.size > 64) this.objStmCache.clear();
    this.objStmCache.set(key, res);
    return res;
  }

  private resolveLength(ref: PdfRef): number | undefined {
    if (this.resolving > 4) return undefined;
    this.resolving++;
    try {
      const v = this.getObject(ref);
      return typeof v === 'number' && Number.isInteger(v) && v >= 0 ? v : undefined;
    } catch {
      return undefined;
    } finally {
      this.resolving--;
    }
  }

  /** Follows references (bounded) to a direct object, as of revision `rev`. */
  resolve(o: PdfObject | undefined, rev = this.revisions.length - 1): PdfObject | undefined {
    let depth = 0;
    while (o instanceof PdfRef) {
      if (++depth > LIMITS.maxResolveDepth)
        throw new PdfError('PDF_TOO_DEEP', { ref: o.key }, 'reference chain too long');
      o = this.getObject(o, rev);
    }
    return o;
  }

  /** Resolves `dict[key]`. */
  get(dict: PdfDict | undefined, key: string, rev = this.revisions.length - 1): PdfObject | undefined {
    return dict ? this.resolve(dict.get(key), rev) : undefined;
  }

  getDict(dict: PdfDict | undefined, key: string, rev = this.revisions.length - 1): PdfDict | undefined {
    const v = this.get(dict, key, rev);
    return v instanceof PdfDict ? v : v instanceof PdfStream ? v.dict : undefined;
  }

  /** The document catalog as of revision `rev`. */
  catalog(rev = this.revisions.length - 1): PdfDict | undefined {
    const r = this.revision(Math.min(rev, this.revisions.length - 1));
    const root = this.resolve(r.trailer.get('Root'), rev);
    return root instanceof PdfDict ? root : undefined;
  }

  /** The trailer as of revision `rev`. */
  trailerAt(rev: number): PdfDict {
    return this.revision(rev).trailer;
  }

  /** Decodes a stream's data through its filters, charged to the document's decoded-bytes budget. */
  decode(stream: PdfStream, maxBytes?: number): Uint8Array {
    return decodeStream(stream, (o) => this.resolve(o), maxBytes, this.decodeBudget);
  }

  /** The pages in order as of revision `rev`; cycles and absurd depth in the page tree are cut and flagged. */
  pages(rev = this.revisions.length - 1): PageRef[] {
    const out: PageRef[] = [];
    const cat = this.catalog(rev);
    const root = cat?.get('Pages');
    if (!(root instanceof PdfRef)) return out;
    const seen = new Set<string>();
    const walk = (ref: PdfRef, depth: number): void => {
      if (depth > 64 || seen.has(ref.key) || out.length > 1_000_000) {
        this.warn('PAGE_TREE', 'the page tree has a cycle or is too deep');
        return;
      }
      seen.add(ref.key);
      const node = this.resolve(ref, rev);
      if (!(node instanceof PdfDict)) return;
      const kids = this.resolve(node.get('Kids'), rev);
      if (node.getName('Type') === 'Page' || (!Array.isArray(kids) && node.getName('Type') !== 'Pages')) {
        out.push({ ref, dict: node });
        return;
      }
      if (Array.isArray(kids)) for (const k of kids) if (k instanceof PdfRef) walk(k, depth + 1);
    };
    walk(root, 0);
    return out;
  }

  /** An inheritable page attribute (Resources, MediaBox, CropBox, Rotate), looked up through /Parent. */
  pageAttribute(page: PdfDict, key: string, rev = this.revisions.length - 1): PdfObject | undefined {
    let node: PdfDict | undefined = page;
    for (let i = 0; node && i < 64; i++) {
      const v = node.get(key);
      if (v !== undefined) return this.resolve(v, rev);
      const p = this.resolve(node.get('Parent'), rev);
      node = p instanceof PdfDict ? p : undefined;
    }
    return undefined;
  }

  // ---------------------------------------------------------------- facts for the verifier

  /**
   * Why a viewer opening this file would not find its newest cross-reference data where it looks, and would rebuild
   * the object table by scanning (or read a shorter chain) instead; null when it finds what kyso read. Viewers take
   * "startxref" from the file's last 1024 bytes (poppler, MuPDF, pdf.js) and its value as it stands, where kyso
   * tolerates more (whitespace after %%EOF, a fragment read by its keyword, a cut chain). Whatever such a viewer then
   * shows may differ from kyso's reading: the verifier compares the readings (scannedObject) when this says so.
   */
  viewerRepairReason(): string | null {
    const src = this.source;
    if (this.recovered) return 'the cross-reference data is damaged: objects are located by scanning';
    const sx = lastIndexOf(src, STARTXREF, src.length, Math.max(0, src.length - VIEWER_TAIL));
    if (sx < 0) return `no "startxref" in the file's last ${VIEWER_TAIL} bytes`;
    const value = startxrefValue(src, sx);
    const newest = this.latest.xrefOffset;
    if (value !== newest && value + this.headerOffset !== newest)
      return `the last startxref (${value}) does not open the newest cross-reference data (at ${newest})`;
    const repaired = this.warnings.find((w) => VIEWER_REPAIR_WARNINGS.has(w.code));
    return repaired ? `${repaired.code}: ${repaired.message}` : null;
  }

  /** Bytes after the newest revision's %%EOF (and its EOL), if any. */
  trailingBytes(): TrailingBytes | null {
    const end = this.latest.end;
    if (end >= this.source.length) return null;
    const length = this.source.length - end;
    let whitespaceOnly = true;
    for (let p = end; p < this.source.length && whitespaceOnly; p += 1 << 16) {
      const b = this.source.read(p, Math.min(this.source.length, p + (1 << 16)));
      for (const c of b)
        if (c !== 0 && c !== 9 && c !== 10 && c !== 12 && c !== 13 && c !== 32) {
          whitespaceOnly = false;
          break;
        }
    }
    return { offset: end, length, whitespaceOnly };
  }

  /**
   * Objects whose bytes lie inside a revision's span but that no cross-reference section of that revision
   * points to: content added without a proper update (incremental-saving attacks). Scans the file.
   */
  unreferencedObjects(): UnreferencedObject[] {
    const out: UnreferencedObject[] = [];
    if (this.revisions[0]?.kind === 'recovered') return out;
    const scanned = this.headersOutsideStreamData();
    for (const rev of this.revisions) {
      const referenced = new Set<number>();
      for (const s of rev.sections) {
        if (s.kind === 'stream') referenced.add(s.offset);
        for (const e of s.entries.values()) if (e.type === 'offset') referenced.add(e.offset);
      }
      for (const o of scanned) {
        if (o.offset < rev.start || o.offset >= rev.end) continue;
        if (!referenced.has(o.offset)) out.push({ num: o.num, gen: o.gen, offset: o.offset, revision: rev.index });
      }
    }
    return out;
  }

  /**
   * Cross-reference entries (each revision's own, those that give an offset) whose bytes do not begin with the
   * entry's own "num gen obj": another number, another generation, or no header at all. kyso's own reading takes
   * the bytes at the offset when only the generation differs and falls back to a scan when the number differs;
   * other readers differ (see objectAt and scannedObject). Read once, header bytes only.
   */
  headerMismatches(): HeaderMismatch[] {
    if (this.mismatches) return this.mismatches;
    const out: HeaderMismatch[] = [];
    if (this.revisions[0]?.kind !== 'recovered') {
      const reader = new HeaderReader(this.source);
      const asked: { revision: number; num: number; gen: number; offset: number }[] = [];
      for (const rev of this.revisions) {
        for (const [num, e] of rev.entries)
          if (e.type === 'offset') asked.push({ revision: rev.index, num, gen: e.gen, offset: e.offset });
      }
      asked.sort((a, b) => a.offset - b.offset);
      for (const a of asked) {
        let found = reader.at(a.offset);
        // Files with junk before %PDF- may count offsets from the header (getObject reads them so too).
        if ((!found || found.num !== a.num || found.gen !== a.gen) && this.headerOffset > 0) {
          const shifted = reader.at(a.offset + this.headerOffset);
          if (shifted && shifted.num === a.num && shifted.gen === a.gen) found = shifted;
        }
        if (!found || found.num !== a.num || found.gen !== a.gen) out.push({ ...a, found });
      }
      // Compressed entries: the number the object stream lists at the entry's index is the object's header (an
      // encrypted file's object streams cannot be read without decrypting: not checked).
      const lists = new Map<string, number[] | undefined>(); // each object stream's numbers, read once per revision
      for (const rev of this.encryption ? [] : this.revisions) {
        for (const [num, e] of rev.entries) {
          if (e.type !== 'compressed') continue;
          const key = `${e.stream} ${rev.index}`;
          if (!lists.has(key)) lists.set(key, this.listedInStream(e.stream, rev.index));
          const listed = lists.get(key)?.[e.index];
          if (listed !== num)
            out.push({
              revision: rev.index,
              num,
              gen: 0,
              stream: { num: e.stream, index: e.index },
              found: listed === undefined ? null : { num: listed, gen: 0 },
            });
        }
      }
      out.sort((a, b) => a.revision - b.revision || a.num - b.num);
    }
    this.mismatches = out;
    return out;
  }

  /**
   * What a scanning viewer would find after `from` that the cross-reference data written after `from` does not
   * account for: "n g obj" headers and "trailer" keywords no entry or section points at (hidden-marks.ts; inside
   * stream data too, as poppler's rebuild reads it), and objects an object stream written after `from` lists
   * without an entry pointing into that stream (a rebuild reads object streams too). The verifier asks it for the
   * bytes after a signed revision; at most 1000.
   */
  hiddenAfter(from: number): HiddenMark[] {
    if (from >= this.source.length || this.revisions[0]?.kind === 'recovered') return [];
    // Each signature asks for the bytes after its own revision; what lies after a later one is a part of what lies
    // after an earlier one (an entry accounting for a mark after `from` points after `from`): searched once.
    const known = this.hidden;
    if (known && known.from <= from) return known.marks.filter((m) => m.offset >= from);
    const marks = this.searchHidden(from);
    this.hidden = { from, marks };
    return marks;
  }

  private searchHidden(from: number): HiddenMark[] {
    const headers: number[] = [];
    const trailers = new Set<number>();
    const note = (at: number): void => {
      headers.push(at);
      if (this.headerOffset > 0) headers.push(at + this.headerOffset);
    };
    const written: { num: number; rev: number; offset: number }[] = [];
    for (const rev of this.revisions) {
      if (rev.end <= from) continue;
      for (const [num, e] of rev.entries)
        if (e.type === 'offset' && e.offset >= from) {
          note(e.offset);
          written.push({ num, rev: rev.index, offset: e.offset });
        }
      for (const s of rev.sections) {
        if (s.offset < from) continue;
        if (s.kind === 'stream') note(s.offset);
        else {
          const t = indexOf(this.source, TRAILER_KEYWORD, s.offset);
          if (t >= 0) trailers.add(t);
        }
      }
    }
    const out = hiddenMarks(this.source, from, this.source.length, headers, trailers);
    // object streams written after `from`: every object they list needs an entry of that revision or a later one
    for (const o of written) {
      if (out.length >= 1000) break;
      let listed: number[] | undefined;
      try {
        const v = this.getObject(o.num, o.rev);
        listed = v instanceof PdfStream && v.dict.getName('Type') === 'ObjStm' ? this.listedInStream(o.num, o.rev) : [];
      } catch {
        listed = undefined;
      }
      if (listed === undefined) {
        out.push({ offset: o.offset, kind: 'compressed', text: `object stream ${o.num} (unreadable)`, num: o.num });
        continue;
      }
      for (const n of listed) {
        const e = this.entry(n, o.rev)?.entry;
        if (e?.type === 'compressed' && e.stream === o.num) continue;
        out.push({ offset: o.offset, kind: 'compressed', text: `${n} 0 (listed by object stream ${o.num})`, num: n });
      }
    }
    return out;
  }

  /**
   * Objects a hybrid revision's own table marks free while its /XRefStm gives them in use, and that were in use
   * before that revision. kyso (and poppler) take the stream's entry; a viewer that lets the table's free entry win
   * (MuPDF) no longer has the object: the same update removes it for some viewers only. Objects new in the revision
   * (how hybrid writers list what they put in object streams) are not counted.
   */
  hybridConflicts(): { revision: number; num: number }[] {
    const out: { revision: number; num: number }[] = [];
    for (const rev of this.revisions) {
      if (rev.kind !== 'hybrid' || rev.index === 0) continue;
      const [table, ...rest] = rev.sections;
      const stream = rest.find((x) => x.kind === 'stream');
      if (!table || !stream) continue;
      for (const [num, e] of table.entries) {
        if (e.type !== 'free' || num === 0) continue;
        const kept = stream.entries.get(num);
        if (!kept || kept.type === 'free') continue;
        const before = this.entry(num, rev.index - 1)?.entry;
        if (before && before.type !== 'free') out.push({ revision: rev.index, num });
      }
    }
    return out;
  }

  /**
   * The object whose bytes start at `offset`, whatever its header says: what a reader that follows a
   * cross-reference entry without checking the header shows for that entry. Undefined when nothing parses there.
   */
  objectAt(offset: number): { num: number; gen: number; value: PdfObject } | undefined {
    const cached = this.cache.get(offset);
    if (cached) return cached;
    if (this.unparsable.has(offset) || !this.headerAt(offset)) return undefined;
    try {
      const obj = parseIndirectAt(this.ctx, offset);
      this.cache.set(offset, obj);
      return obj;
    } catch (err) {
      if (err instanceof PdfError && (err.code === 'PDF_LIMIT' || err.code === 'PDF_TOO_DEEP')) throw err;
      if (this.unparsable.size < 100_000) this.unparsable.add(offset);
      return undefined;
    }
  }

  private headerAt(offset: number): ObjectHeader | null {
    return (this.headers ??= new HeaderReader(this.source, 512)).at(offset);
  }

  /** The object numbers object stream `stream` (as of revision `rev`) lists; undefined when it cannot be read. */
  private listedInStream(stream: number, rev: number): number[] | undefined {
    try {
      const stmObj = this.getObject(stream, rev);
      return stmObj instanceof PdfStream ? this.objectStream(stream, stmObj).nums : undefined;
    } catch (err) {
      if (err instanceof PdfError && (err.code === 'PDF_LIMIT' || err.code === 'PDF_TOO_DEEP')) throw err;
      return undefined;
    }
  }

  /**
   * The object at `index` of object stream `stream` (as of revision `rev`), whatever number the stream lists there:
   * what a reader that trusts a compressed entry's index shows. Undefined when it cannot be read.
   */
  compressedAt(stream: number, index: number, rev = this.revisions.length - 1): PdfObject | undefined {
    try {
      const stmObj = this.getObject(stream, rev);
      if (!(stmObj instanceof PdfStream)) return undefined;
      const stm = this.objectStream(stream, stmObj);
      const offset = stm.offsets[index];
      if (offset === undefined) return undefined;
      return parseDirect(stm.data, stm.first + offset, this.ctx);
    } catch (err) {
      if (
        err instanceof PdfError &&
        (err.code === 'PDF_LIMIT' || err.code === 'PDF_TOO_DEEP' || err.code === 'PDF_ENCRYPTED')
      )
        throw err;
      return undefined;
    }
  }

  /**
   * What a reader that rebuilds the object table by scanning takes for object `num` among the bytes before `end`:
   * the last "num gen obj" header there (with `gen` undefined: the last header of the highest generation for
   * that number). Headers inside stream data count, as they do for such readers. Undefined when there is none
   * (objects kept in object streams have no header) or it does not parse.
   */
  scannedObject(
    num: number,
    gen: number | undefined,
    end = this.source.length,
  ): { offset: number; gen: number; value: PdfObject } | undefined {
    const best = this.scannedHeader(num, gen, end);
    if (!best) return undefined;
    const obj = this.objectAt(best.offset);
    return obj ? { offset: best.offset, gen: obj.gen, value: obj.value } : undefined;
  }

  /** The header scannedObject reads (the last "num gen obj" before `end`), whether or not its object parses. */
  scannedHeader(num: number, gen: number | undefined, end = this.source.length): ScannedObject | undefined {
    if (!this.scanOffsets) {
      this.scanOffsets = new Map();
      for (const o of this.scanAll().objects) {
        for (const key of [`${o.num} ${o.gen}`, `${o.num}`]) {
          let list = this.scanOffsets.get(key);
          if (!list) this.scanOffsets.set(key, (list = []));
          list.push(o);
        }
      }
    }
    let best: ScannedObject | undefined;
    for (const o of this.scanOffsets.get(gen === undefined ? `${num}` : `${num} ${gen}`) ?? []) {
      if (o.offset >= end) break; // in file order
      if (!best || o.gen >= best.gen) best = o;
    }
    return best;
  }

  /** Object numbers this revision defines or replaces (in use), and those it frees. */
  changes(rev: number): { defined: number[]; freed: number[] } {
    const defined: number[] = [];
    const freed: number[] = [];
    for (const [num, e] of this.revision(rev).entries) {
      if (e.type === 'free') {
        if (num !== 0) freed.push(num);
      } else defined.push(num);
    }
    return { defined: defined.sort((a, b) => a - b), freed: freed.sort((a, b) => a - b) };
  }

  /** Largest object number in use anywhere, plus one (at least the trailer's /Size). */
  get nextObjectNumber(): number {
    let n = 0;
    const size = this.trailer.get('Size');
    if (typeof size === 'number') n = size;
    for (const r of this.revisions) for (const k of r.entries.keys()) if (k + 1 > n) n = k + 1;
    return n;
  }

  /** Starts an incremental update (append-only). */
  update(): IncrementalWriter {
    if (this.encryption) throw new PdfError('PDF_ENCRYPTED', {}, 'cannot update an encrypted file');
    return new IncrementalWriter(this);
  }

  /** The /Type of a dictionary or stream, if any. */
  static typeOf(o: PdfObject | undefined): string | undefined {
    if (o instanceof PdfDict) return o.getName('Type');
    if (o instanceof PdfStream) return o.dict.getName('Type');
    return undefined;
  }
}

/** The number after the "startxref" keyword at `sx`, or -1 when there is none. */
function startxrefValue(src: ByteSource, sx: number): number {
  return withWindow(
    src,
    sx + STARTXREF.length,
    (lx) => {
      const t = lx.next();
      return t.t === 'num' && t.int ? t.v : -1;
    },
    64,
  );
}

function indexOfHeader(head: Uint8Array): number {
  outer: for (let i = 0; i + HEADER.length <= head.length; i++) {
    for (let j = 0; j < HEADER.length; j++) if (head[i + j] !== HEADER[j]) continue outer;
    return i;
  }
  return -1;
}

/** Position after an optional EOL (CRLF, LF or CR) at `pos`. */
function afterEol(source: ByteSource, pos: number): number {
  const b = source.read(pos, pos + 2);
  if (b[0] === 13 && b[1] === 10) return pos + 2;
  if (b[0] === 10 || b[0] === 13) return pos + 1;
  return pos;
}
