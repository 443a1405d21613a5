/**
 * Whitelisting rules in the manner of pyHanko's difference analysis: every change a later revision makes is
 * classified with the lowest modification level that explains it (NONE < LTA_UPDATES < FORM_FILLING < ANNOTATIONS
 * < OTHER); OTHER means no rule whitelists it. Which levels are acceptable depends on DocMDP (P=1 → LTA_UPDATES,
 * P=2 → FORM_FILLING, P=3 or no certification → ANNOTATIONS) and on FieldMDP locks.
 *
 * Decisions: catalog keys that may change are /AcroForm (judged by its own rule), /DSS, /Extensions, /Version and
 * /Metadata (LTA_UPDATES) and /Names only when nothing but its /AP name tree (annotation appearances) changes
 * (ANNOTATIONS); /Perms, /OpenAction, /AA, /Names/JavaScript, /EmbeddedFiles and everything else are OTHER.
 * A replaced object is judged by its role in the previous state (who referenced it, under which key); a role is
 * only granted when every reference to the object has it (an object reachable from a whitelisted and from a
 * non-whitelisted place is OTHER). New objects are neutral: they only matter through the replaced objects that
 * reference them, which are judged themselves.
 */
import { PdfDict, PdfRef, PdfStream, stringText, PdfString, type PdfDocument, type PdfObject } from '@kyso/pdf';
import { diffKeys, dictOf, type RefIndex, sameValue, type ObjectChange } from './diff.js';

export type ModificationLevel = 'NONE' | 'LTA_UPDATES' | 'FORM_FILLING' | 'ANNOTATIONS' | 'OTHER';
export const LEVELS: readonly ModificationLevel[] = ['NONE', 'LTA_UPDATES', 'FORM_FILLING', 'ANNOTATIONS', 'OTHER'];
export const levelRank = (l: ModificationLevel): number => LEVELS.indexOf(l);
export const maxLevel = (a: ModificationLevel, b: ModificationLevel): ModificationLevel =>
  levelRank(a) >= levelRank(b) ? a : b;

/** The highest level a document permits: DocMDP P=1 → LTA_UPDATES, P=2 → FORM_FILLING, P=3 or none → ANNOTATIONS. */
export function permittedLevel(docMdp: 1 | 2 | 3 | undefined): ModificationLevel {
  return docMdp === 1 ? 'LTA_UPDATES' : docMdp === 2 ? 'FORM_FILLING' : 'ANNOTATIONS';
}

export interface Classification {
  kind: string;
  level: ModificationLevel;
  reason: string;
}

export interface RuleContext {
  doc: PdfDocument;
  revision: number;
  /** Reference indexes of the previous (k-1) and new (k) states. */
  before: RefIndex;
  after: RefIndex;
  /** Object numbers this revision defines or frees. */
  changed: Set<number>;
  /** Fully qualified names of fields locked by FieldMDP. */
  lockedFields: Set<string>;
}

const c = (kind: string, level: ModificationLevel, reason: string): Classification => ({ kind, level, reason });

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function rootNum(doc: PdfDocument, rev: number): number | undefined {
  const r = doc.revision(rev).trailer.get('Root');
  return r instanceof PdfRef ? r.num : undefined;
}

function resolve(ctx: RuleContext, o: PdfObject | undefined, rev: number): PdfObject | undefined {
  return safe(() => ctx.doc.resolve(o, rev), undefined);
}

/** True when every reference to `num` (in `idx`) leads, through ancestors, to the catalog under one of `keys`. */
function onlyUnderCatalog(
  idx: RefIndex,
  catalog: number | undefined,
  num: number,
  keys: string[],
  seen = new Set<number>(),
): boolean {
  if (seen.has(num) || seen.size > 256) return false;
  seen.add(num);
  const refs = idx.refs(num);
  if (refs.length === 0) return false;
  return refs.every((r) => {
    if (r.from === 'trailer') return false;
    if (r.from === catalog) return keys.includes(r.path[0] ?? '');
    return onlyUnderCatalog(idx, catalog, r.from, keys, seen);
  });
}

function isAnnotLike(d: PdfDict | undefined): boolean {
  return (
    !!d &&
    (d.getName('Type') === 'Annot' ||
      (d.has('Subtype') && d.has('Rect')) ||
      d.has('FT') ||
      (d.has('Rect') && d.has('P')))
  );
}

interface FieldInfo {
  name: string;
  /** The /Parent chain was longer than the walk: name, type and value may be wrong, so nothing is granted. */
  truncated: boolean;
  isSig: boolean;
  signed: boolean;
  isWidget: boolean;
  isField: boolean;
}

/** Deepest /Parent chain of a field walked; a deeper one is not judged (fieldInfo's truncated). */
const MAX_FIELD_DEPTH = 32;

/** Field facts of a field/widget dictionary, as of `rev` (walks /Parent for /FT, /T and /V). */
function fieldInfo(ctx: RuleContext, d: PdfDict, rev: number): FieldInfo {
  const parts: string[] = [];
  let ft: string | undefined;
  let v: PdfObject | undefined;
  let node: PdfDict | undefined = d;
  for (let i = 0; node && i < MAX_FIELD_DEPTH; i++) {
    const t = node.get('T');
    if (t instanceof PdfString) parts.unshift(stringText(t));
    ft ??= node.getName('FT');
    if (v === undefined && node.has('V')) v = resolve(ctx, node.get('V'), rev);
    const p = resolve(ctx, node.get('Parent'), rev);
    node = p instanceof PdfDict ? p : undefined;
  }
  const vd = dictOf(v);
  return {
    name: parts.join('.'),
    truncated: node !== undefined,
    isSig: ft === 'Sig',
    signed: ft === 'Sig' && !!vd && (vd.has('ByteRange') || vd.has('Contents')),
    isWidget: d.getName('Subtype') === 'Widget',
    isField: d.has('FT') || d.has('T') || d.has('V'),
  };
}

function sigValueLevel(ctx: RuleContext, v: PdfObject | undefined): ModificationLevel {
  const d = dictOf(resolve(ctx, v, ctx.revision));
  return d?.getName('Type') === 'DocTimeStamp' || d?.getName('SubFilter') === 'ETSI.RFC3161'
    ? 'LTA_UPDATES'
    : 'FORM_FILLING';
}

/** A widget with an area on the page that is neither Hidden nor NoView: it paints its appearance. */
function visibleWidget(ctx: RuleContext, w: PdfDict | undefined): boolean {
  const rect = resolve(ctx, w?.get('Rect'), ctx.revision);
  const f = resolve(ctx, w?.get('F'), ctx.revision);
  if (!Array.isArray(rect) || rect.length !== 4 || !rect.every((x) => typeof x === 'number')) return false;
  const [x1, y1, x2, y2] = rect as number[];
  return x1 !== x2 && y1 !== y2 && !(typeof f === 'number' && (f & 0x22) !== 0);
}

/**
 * A signature value that already existed before this revision (another field's signature dictionary, reused): no
 * new signature was made, so the field counts as unsigned — else a widget could borrow a signature to paint on the
 * page where DocMDP only permits signing.
 */
function reusedValue(ctx: RuleContext, v: PdfObject | undefined): boolean {
  return v instanceof PdfRef && !ctx.changed.has(v.num) && dictOf(resolve(ctx, v, ctx.revision - 1)) !== undefined;
}

/** A field's widgets: the field itself (merged field and widget) and its /Kids. */
function widgetsOf(ctx: RuleContext, d: PdfDict): (PdfDict | undefined)[] {
  return [d, ...refsOf(resolve(ctx, d.get('Kids'), ctx.revision)).map((r) => dictOf(resolve(ctx, r, ctx.revision)))];
}

/**
 * A new signature field that is not signed in the same revision. Invisible, it only prepares a signature
 * (FORM_FILLING); with an area on a page it paints whatever its appearance holds, as an annotation does — the
 * "sneaky signature" of Rohlmann et al. 2021, which DocMDP P=1 and P=2 must not let through — so ANNOTATIONS.
 */
function emptySigFieldLevel(ctx: RuleContext, d: PdfDict): ModificationLevel {
  return widgetsOf(ctx, d).some((w) => visibleWidget(ctx, w)) ? 'ANNOTATIONS' : 'FORM_FILLING';
}

/**
 * A new signature field signed in the same revision: a document timestamp is an LTA update only with an invisible
 * widget; a visible one paints on the page like a visible signature (FORM_FILLING: DocMDP P=1 forbids it).
 */
function newSigFieldLevel(ctx: RuleContext, d: PdfDict, v: PdfObject | undefined): ModificationLevel {
  if (reusedValue(ctx, v)) return emptySigFieldLevel(ctx, d);
  const level = sigValueLevel(ctx, v);
  return level === 'LTA_UPDATES' && widgetsOf(ctx, d).some((w) => visibleWidget(ctx, w)) ? 'FORM_FILLING' : level;
}

/** The level of a new signature widget: its field's value (the widget itself, or its /Parent field) decides. */
function widgetSigValueLevel(ctx: RuleContext, widget: PdfDict): ModificationLevel {
  if (widget.has('V')) return newSigFieldLevel(ctx, widget, widget.get('V'));
  const parent = dictOf(resolve(ctx, widget.get('Parent'), ctx.revision));
  return parent?.has('V') ? newSigFieldLevel(ctx, widget, parent.get('V')) : emptySigFieldLevel(ctx, widget);
}

function refsOf(o: PdfObject | undefined): PdfRef[] {
  return Array.isArray(o) ? o.filter((x): x is PdfRef => x instanceof PdfRef) : [];
}

function added(before: PdfRef[], after: PdfRef[]): PdfRef[] {
  return after.filter((a) => !before.some((b) => b.equals(a)));
}

function onlyBareWidgetsAdded(ctx: RuleContext, before: PdfObject | undefined, after: PdfObject | undefined): boolean {
  const b = refsOf(resolve(ctx, before, ctx.revision - 1));
  const a = refsOf(resolve(ctx, after, ctx.revision));
  return added(b, a).every((r) => {
    const d = dictOf(resolve(ctx, r, ctx.revision));
    return !!d && d.getName('Subtype') === 'Widget' && !d.has('FT') && !d.has('T') && !d.has('Kids');
  });
}

/** New entries in /Fields or /Kids: signature fields (FORM_FILLING, doc timestamps LTA_UPDATES); anything else is OTHER. */
function judgeFieldList(
  ctx: RuleContext,
  before: PdfObject | undefined,
  after: PdfObject | undefined,
  what: string,
): Classification {
  const b = refsOf(resolve(ctx, before, ctx.revision - 1));
  const a = refsOf(resolve(ctx, after, ctx.revision));
  if (b.some((x) => !a.some((y) => y.equals(x)))) return c('field-removed', 'OTHER', `${what}: a field was removed`);
  let level: ModificationLevel = 'NONE';
  for (const r of added(b, a)) {
    const d = dictOf(resolve(ctx, r, ctx.revision));
    if (!d) return c('field-added', 'OTHER', `${what}: entry ${r.num} is not a field`);
    const info = fieldInfo(ctx, d, ctx.revision);
    if (!info.isSig) return c('field-added', 'OTHER', `${what}: new non-signature field ${info.name || r.num}`);
    level = maxLevel(level, d.has('V') ? newSigFieldLevel(ctx, d, d.get('V')) : emptySigFieldLevel(ctx, d));
  }
  return c('signature-field-added', level, `${what}: signature fields added`);
}

/** Page /Annots changes: new non-widget annotations are ANNOTATIONS, new signature widgets FORM_FILLING. */
function judgeAnnots(ctx: RuleContext, before: PdfObject | undefined, after: PdfObject | undefined): Classification {
  const b = refsOf(resolve(ctx, before, ctx.revision - 1));
  const a = refsOf(resolve(ctx, after, ctx.revision));
  let level: ModificationLevel = 'NONE';
  for (const r of b) {
    if (a.some((x) => x.equals(r))) continue;
    const d = dictOf(resolve(ctx, r, ctx.revision - 1));
    if (!d || d.getName('Subtype') === 'Widget')
      return c('annotation-removed', 'OTHER', `widget ${r.num} removed from a page`);
    level = maxLevel(level, 'ANNOTATIONS');
  }
  for (const r of added(b, a)) {
    const d = dictOf(resolve(ctx, r, ctx.revision));
    if (!d) return c('annotation-added', 'OTHER', `page /Annots entry ${r.num} is not a dictionary`);
    if (d.getName('Subtype') === 'Widget') {
      const info = fieldInfo(ctx, d, ctx.revision);
      // a bare widget (no /FT, no /Parent) belongs to a field reached through an indirect /Kids array: that field
      // is judged where /Fields gains it
      if (!info.isSig && (d.has('FT') || d.has('Parent')))
        return c('annotation-added', 'OTHER', `new form field widget ${r.num}`);
      // A document timestamp's (invisible) widget is part of an LTA update, which DocMDP P=1 permits (ETSI EN 319 142-1).
      level = maxLevel(level, widgetSigValueLevel(ctx, d));
    } else level = maxLevel(level, 'ANNOTATIONS');
  }
  return c('annotations-changed', level, 'page annotations changed');
}

/** Keys of a page tree node that change what is shown (structure and inheritable attributes, ISO 32000-1 7.7.3). */
const PAGES_RENDERING_KEYS = new Set(['Type', 'Kids', 'Count', 'Parent', 'Resources', 'MediaBox', 'CropBox', 'Rotate']);

function judgePage(ctx: RuleContext, before: PdfDict, after: PdfObject | undefined): Classification {
  const a = dictOf(after);
  if (a && before.getName('Type') === 'Pages' && a.getName('Type') === 'Pages') {
    // Producers stamp private keys on the page tree when they save (iText's /ITXT): readers ignore them.
    const d = diffKeys(before, a);
    const changed = [...d.added, ...d.removed, ...d.changed];
    if (changed.length > 0 && changed.every((k) => !PAGES_RENDERING_KEYS.has(k))) {
      return c(
        'page-tree-private-keys',
        'FORM_FILLING',
        `page tree node: only private keys changed (/${changed.join(', /')})`,
      );
    }
    return c('page-tree', 'OTHER', 'page tree changed');
  }
  if (!a || before.getName('Type') !== 'Page' || a.getName('Type') !== 'Page')
    return c('page-tree', 'OTHER', 'page tree changed');
  const d = diffKeys(before, a);
  const other = [...d.added, ...d.removed, ...d.changed].filter((k) => k !== 'Annots');
  if (other.length) return c('page-content', 'OTHER', `page changed: /${other.join(', /')}`);
  return judgeAnnots(ctx, before.get('Annots'), a.get('Annots'));
}

function judgeDr(ctx: RuleContext, before: PdfObject | undefined, after: PdfObject | undefined): ModificationLevel {
  const b = dictOf(resolve(ctx, before, ctx.revision - 1));
  const a = dictOf(resolve(ctx, after, ctx.revision));
  if (!b) return 'FORM_FILLING';
  if (!a) return 'OTHER';
  for (const [k, v] of b.map) {
    const bv = dictOf(resolve(ctx, v, ctx.revision - 1));
    const av = dictOf(resolve(ctx, a.get(k), ctx.revision));
    if (bv && av) {
      for (const [k2, v2] of bv.map) if (!sameValue(v2, av.get(k2))) return 'OTHER';
    } else if (!sameValue(v, a.get(k))) return 'OTHER';
  }
  return 'FORM_FILLING';
}

function judgeAcroForm(ctx: RuleContext, before: PdfObject | undefined, after: PdfObject | undefined): Classification {
  const b = dictOf(resolve(ctx, before, ctx.revision - 1));
  const a = dictOf(resolve(ctx, after, ctx.revision));
  if (!a) return c('acroform', 'OTHER', 'AcroForm removed');
  if (!b) return judgeFieldList(ctx, [], a.get('Fields'), 'new AcroForm');
  const d = diffKeys(b, a);
  let level: ModificationLevel = 'NONE';
  for (const k of [...d.added, ...d.removed, ...d.changed]) {
    if (k === 'Fields') {
      const r = judgeFieldList(ctx, b.get('Fields'), a.get('Fields'), 'AcroForm /Fields');
      if (r.level === 'OTHER') return r;
      level = maxLevel(level, r.level);
    } else if (k === 'SigFlags' || k === 'NeedAppearances') level = maxLevel(level, 'FORM_FILLING');
    else if (k === 'DR') {
      const l = judgeDr(ctx, b.get('DR'), a.get('DR'));
      if (l === 'OTHER') return c('acroform', 'OTHER', 'AcroForm /DR entries changed');
      level = maxLevel(level, l);
    } else return c('acroform', 'OTHER', `AcroForm /${k} changed`);
  }
  return c('acroform', level, 'AcroForm updated');
}

function judgeCatalog(ctx: RuleContext, before: PdfObject | undefined, after: PdfObject | undefined): Classification {
  const b = dictOf(before);
  const a = dictOf(after);
  if (!b || !a) return c('catalog', 'OTHER', 'catalog replaced by a non-dictionary');
  const d = diffKeys(b, a);
  let level: ModificationLevel = 'NONE';
  const reasons: string[] = [];
  for (const k of [...d.added, ...d.removed, ...d.changed]) {
    const removed = d.removed.includes(k);
    let l: ModificationLevel;
    if (k === 'AcroForm') {
      const r = judgeAcroForm(ctx, b.get(k), a.get(k));
      if (r.level === 'OTHER') return c('catalog', 'OTHER', r.reason);
      l = r.level;
    } else if ((k === 'DSS' || k === 'Extensions' || k === 'Metadata' || k === 'Version') && !removed)
      l = 'LTA_UPDATES';
    else if (k === 'Names') {
      const nb = dictOf(resolve(ctx, b.get(k), ctx.revision - 1)) ?? new PdfDict();
      const na = dictOf(resolve(ctx, a.get(k), ctx.revision));
      const nd = na ? diffKeys(nb, na) : undefined;
      l = nd && [...nd.added, ...nd.removed, ...nd.changed].every((x) => x === 'AP') ? 'ANNOTATIONS' : 'OTHER';
    } else l = 'OTHER';
    if (l === 'OTHER') return c('catalog', 'OTHER', `catalog /${k} ${removed ? 'removed' : 'changed'}`);
    reasons.push(`/${k}`);
    level = maxLevel(level, l);
  }
  return c('catalog', level, `catalog updated: ${reasons.join(', ') || 'no effective change'}`);
}

/**
 * A trailer whose /Root names another catalog that already exists (the update defines no object for it): the whole
 * document is swapped for one prepared in the signed revision (shadow hide-and-replace). Judged as the catalog
 * changing from the old one to that one.
 */
export function classifyRootSwitch(ctx: RuleContext): Classification | undefined {
  const oldRoot = rootNum(ctx.doc, ctx.revision - 1);
  const newRoot = rootNum(ctx.doc, ctx.revision);
  if (newRoot === undefined || newRoot === oldRoot || ctx.changed.has(newRoot)) return undefined;
  const r = judgeCatalog(
    ctx,
    safe(() => ctx.doc.catalog(ctx.revision - 1), undefined),
    safe(() => ctx.doc.catalog(ctx.revision), undefined),
  );
  return { ...r, reason: `trailer /Root switched to existing object ${newRoot}: ${r.reason}` };
}

/**
 * An update that adds, removes or replaces the trailer's /Encrypt (or redefines the object it names): viewers then
 * "decrypt" every string and stream of the signed revisions with it, so the signed pages render as garbage or not at
 * all. Never permitted, whatever the DocMDP level.
 */
export function classifyEncryption(ctx: RuleContext): Classification | undefined {
  const before = ctx.doc.revision(ctx.revision - 1).trailer.get('Encrypt');
  const after = ctx.doc.revision(ctx.revision).trailer.get('Encrypt');
  const redefined = after instanceof PdfRef && ctx.changed.has(after.num);
  if (sameValue(before, after) && !redefined) return undefined;
  const what = before === undefined ? 'adds' : after === undefined ? 'removes' : 'replaces';
  return {
    kind: 'encryption',
    level: 'OTHER',
    reason: `the update ${redefined && sameValue(before, after) ? 'redefines' : what} the trailer /Encrypt: viewers would decrypt the signed content with it`,
  };
}

/** A field, widget or annotation dictionary that is redefined. */
/**
 * When a widget's /AP is replaced, the old appearance objects must not be used anywhere else: otherwise the update
 * could pretend to fill a form while changing what another place (a page resource, a catalog or trailer entry)
 * shows, or leave a "sneaky" second copy (pyHanko's clobbering check).
 */
function sharedAppearance(ctx: RuleContext, owner: number, oldAp: PdfObject | undefined): number | undefined {
  const refs: PdfRef[] = [];
  let tooDeep: number | undefined;
  const collect = (o: PdfObject | undefined, depth: number): void => {
    if (o === undefined || o === null) return;
    // An indirect /AP whose /N is an indirect state dictionary reaches its streams at depth 4; anything nested
    // deeper is not followed, so it counts as shared (unknown) rather than as unused.
    if (depth > 6) {
      if (o instanceof PdfRef) tooDeep ??= o.num;
      else if (o instanceof PdfDict && [...o.map.values()].some((v) => v instanceof PdfRef || v instanceof PdfDict))
        tooDeep ??= owner;
      return;
    }
    if (o instanceof PdfRef) {
      refs.push(o);
      const v = resolve(ctx, o, ctx.revision - 1);
      if (v instanceof PdfDict) collect(v, depth + 1);
      return;
    }
    if (o instanceof PdfDict) for (const v of o.map.values()) collect(v, depth + 1);
  };
  collect(oldAp, 0);
  if (tooDeep !== undefined) return tooDeep;
  const apObjects = new Set<number>([owner, ...refs.map((r) => r.num)]);
  for (const r of refs) {
    for (const inc of ctx.before.refs(r.num)) if (inc.from === 'trailer' || !apObjects.has(inc.from)) return r.num;
  }
  return undefined;
}

function judgeAnnotOrField(
  ctx: RuleContext,
  num: number,
  before: PdfDict,
  after: PdfObject | undefined,
): Classification {
  const a = dictOf(after);
  if (!a) return c('field', 'OTHER', 'field or annotation replaced by a non-dictionary');
  const info = fieldInfo(ctx, before, ctx.revision - 1);
  if (info.truncated)
    return c('field-not-judged', 'OTHER', `field hierarchy deeper than ${MAX_FIELD_DEPTH}: not judged`);
  if (!info.isField && !info.isWidget) return c('annotation-changed', 'ANNOTATIONS', 'annotation changed');
  const d = diffKeys(before, a);
  // Setting the ReadOnly bit of /Ff (what a FieldMDP-locking signature does to the fields it locks) is harmless.
  const ffB = before.get('Ff');
  const ffA = a.get('Ff');
  const readOnlyOnly = typeof ffA === 'number' && (typeof ffB === 'number' ? ffB : 0) === (ffA & ~1) && (ffA & 1) === 1;
  const keys = [...d.added, ...d.removed, ...d.changed].filter((k) => !(k === 'Ff' && readOnlyOnly));
  if (!keys.length) return c('field-made-read-only', 'FORM_FILLING', `field ${info.name} set read-only`);
  if (info.signed)
    return c('signed-field-changed', 'OTHER', `already signed field ${info.name} changed: /${keys.join(', /')}`);
  const locked = ctx.lockedFields.has(info.name);
  let level: ModificationLevel = 'NONE';
  for (const k of keys) {
    if (k === 'V' || k === 'AP' || k === 'AS' || (k === 'I' && !info.isSig)) {
      if (locked)
        return c('locked-field-changed', 'OTHER', `field ${info.name} is locked (FieldMDP) but /${k} changed`);
      if (k === 'AP') {
        const shared = sharedAppearance(ctx, num, before.get('AP'));
        if (shared !== undefined)
          return c(
            'appearance-clobbered',
            'OTHER',
            `field ${info.name}: old appearance object ${shared} is also used elsewhere`,
          );
      }
      if (k === 'V' && info.isSig && reusedValue(ctx, a.get('V')))
        return c(
          'signature-reused',
          'OTHER',
          `field ${info.name}: /V is an earlier signature dictionary, not a new signature`,
        );
      level = maxLevel(level, k === 'V' && info.isSig ? sigValueLevel(ctx, a.get('V')) : 'FORM_FILLING');
    } else if (k === 'Kids') {
      const r = judgeFieldList(ctx, before.get('Kids'), a.get('Kids'), `field ${info.name} /Kids`);
      // bare widgets (no /FT, no /T) added as kids of a signature field are acceptable when signing it; a removed
      // kid or a new field under it never is
      if (
        r.level === 'OTHER' &&
        !(info.isSig && r.kind === 'field-added' && onlyBareWidgetsAdded(ctx, before.get('Kids'), a.get('Kids')))
      )
        return r;
      level = maxLevel(level, 'FORM_FILLING');
    } else if (info.isSig && !info.signed && (k === 'F' || k === 'MK' || k === 'DA') && a.has('V'))
      level = maxLevel(level, 'FORM_FILLING');
    else return c('field-changed', 'OTHER', `field ${info.name || '(widget)'} /${k} changed`);
  }
  return c(info.isSig ? 'signature-field-signed' : 'form-filled', level, `field ${info.name} updated`);
}

/** An appearance stream (or indirect /AP dictionary) redefined: allowed only when every reference is an /AP use. */
function judgeAppearance(ctx: RuleContext, num: number): Classification | undefined {
  const owners: PdfDict[] = [];
  const check = (n: number, depth: number): boolean => {
    const refs = ctx.before.refs(n);
    if (!refs.length || depth > 3) return false;
    return refs.every((r) => {
      if (r.from === 'trailer') return false;
      const parent = dictOf(safe(() => ctx.doc.getObject(r.from as number, ctx.revision - 1), undefined));
      if (r.path[0] === 'AP' && isAnnotLike(parent)) {
        owners.push(parent!);
        return true;
      }
      // an indirect /AP dictionary (or appearance-state sub-dictionary)
      return ['N', 'R', 'D'].includes(r.path[0] ?? '') && check(r.from, depth + 1);
    });
  };
  if (!check(num, 0) || !owners.length) return undefined;
  let level: ModificationLevel = 'NONE';
  for (const o of owners) {
    const info = fieldInfo(ctx, o, ctx.revision - 1);
    if (info.truncated)
      return c(
        'appearance-changed',
        'OTHER',
        `appearance of a field deeper than ${MAX_FIELD_DEPTH} levels: not judged`,
      );
    if (info.signed) return c('appearance-changed', 'OTHER', `appearance of signed field ${info.name} changed`);
    if (ctx.lockedFields.has(info.name))
      return c('appearance-changed', 'OTHER', `appearance of locked field ${info.name} changed`);
    level = maxLevel(level, info.isWidget || info.isField ? 'FORM_FILLING' : 'ANNOTATIONS');
  }
  return c('appearance-changed', level, 'widget or annotation appearance updated');
}

/** Classifies one change. */
export function classify(ctx: RuleContext, ch: ObjectChange): Classification {
  const { doc, revision: k } = ctx;
  if (ch.unreadable) return c('unreadable', 'OTHER', `could not analyse: ${ch.unreadable}`);
  if (ch.identical) return c('unchanged', 'NONE', 'rewritten without change');
  // Roles come from who refers to an object; an incomplete index cannot say, so nothing is whitelisted.
  if (!ctx.before.complete || !ctx.after.complete) {
    return c(
      'not-judged',
      'OTHER',
      `not judged: the reference index is incomplete (${ctx.before.incompleteReason ?? ctx.after.incompleteReason})`,
    );
  }
  const newRoot = rootNum(doc, k);
  const oldRoot = rootNum(doc, k - 1);
  if (ch.change === 'new') {
    if (ch.object === newRoot && newRoot !== oldRoot) return judgeCatalog(ctx, doc.catalog(k - 1), ch.after);
    const t = dictOf(ch.after)?.getName('Type');
    if (t === 'XRef' || t === 'ObjStm') return c('xref-stream', 'NONE', `${t} stream`);
    if (!ctx.after.reachable(ch.object)) return c('unreferenced-new-object', 'NONE', 'new object nothing refers to');
    return c('new-object', 'NONE', 'new object (judged where it is referenced)');
  }
  if (ch.change === 'freed') {
    if (!ctx.before.reachable(ch.object)) return c('freed-unused', 'NONE', 'freed an object nothing referred to');
    const refs = ctx.before.refs(ch.object);
    if (refs.every((r) => r.from !== 'trailer' && ctx.changed.has(r.from)))
      return c('freed-dereferenced', 'NONE', 'freed an object whose referrers were rewritten');
    return c('freed-in-use', 'OTHER', 'freed an object still in use');
  }
  // replaced
  const before = ch.before;
  const bd = dictOf(before);
  const refs = ctx.before.refs(ch.object);
  if (ch.object === oldRoot) return judgeCatalog(ctx, before, ch.after);
  const t = bd?.getName('Type');
  if ((t === 'XRef' || t === 'ObjStm') && dictOf(ch.after)?.getName('Type') === t && !ctx.before.reachable(ch.object))
    return c('xref-stream', 'NONE', `${t} stream`);
  if (refs.length && refs.every((r) => r.from === 'trailer' && r.path[0] === 'Info'))
    return c('info', 'LTA_UPDATES', 'document information dictionary updated');
  if (
    refs.length &&
    refs.every((r) => r.from === oldRoot && r.path[0] === 'Metadata') &&
    dictOf(ch.after)?.getName('Type') === 'Metadata'
  )
    return c('metadata', 'LTA_UPDATES', 'XMP metadata updated');
  if (onlyUnderCatalog(ctx.before, oldRoot, ch.object, ['DSS'])) return c('dss', 'LTA_UPDATES', 'DSS updated');
  if (onlyUnderCatalog(ctx.before, oldRoot, ch.object, ['Extensions']))
    return c('extensions', 'LTA_UPDATES', 'extensions dictionary updated');
  if (!refs.length) return c('unreferenced-replaced', 'NONE', 'replaced an object nothing referred to');
  if (t === 'Sig' || t === 'DocTimeStamp' || refs.some((r) => r.path[0] === 'V' && bd?.has('ByteRange')))
    return c('signature-dictionary-changed', 'OTHER', 'signature dictionary of an earlier signature changed');
  if (refs.some((r) => r.path[0] === 'Perms') || refs.some((r) => r.from === oldRoot && r.path[0] === 'Perms'))
    return c('perms-changed', 'OTHER', '/Perms changed');
  if (t === 'Page' || t === 'Pages') return judgePage(ctx, bd!, ch.after);
  // the AcroForm dictionary itself (not a field the catalog's direct AcroForm lists: those are judged as fields below)
  if (refs.every((r) => r.from === oldRoot && r.path.length === 1 && r.path[0] === 'AcroForm'))
    return judgeAcroForm(ctx, before, ch.after);
  if (Array.isArray(before)) {
    if (
      refs.every(
        (r) =>
          r.path.length === 1 &&
          r.path[0] === 'Annots' &&
          r.from !== 'trailer' &&
          dictOf(safe(() => doc.getObject(r.from as number, k - 1), undefined))?.getName('Type') === 'Page',
      )
    )
      return judgeAnnots(ctx, before, ch.after);
    if (refs.every((r) => r.path.length === 1 && r.path[0] === 'Fields'))
      return judgeFieldList(ctx, before, ch.after, 'AcroForm /Fields');
    if (
      refs.every((r) => r.path.length === 1 && r.path[0] === 'Kids') &&
      refsOf(before).every((x) => fieldLike(ctx, x))
    )
      return judgeFieldList(ctx, before, ch.after, '/Kids');
  }
  if (
    bd &&
    !(before instanceof PdfStream) &&
    isAnnotLike(bd) &&
    refs.every(
      (r) =>
        ['Annots', 'Fields', 'Kids', 'P', 'Parent', 'Popup', 'IRT', 'CO'].includes(r.path[0] ?? '') ||
        (r.from === oldRoot && r.path[0] === 'AcroForm' && (r.path[1] === 'Fields' || r.path[1] === 'CO')),
    )
  )
    return judgeAnnotOrField(ctx, ch.object, bd, ch.after);
  const ap = judgeAppearance(ctx, ch.object);
  if (ap) return ap;
  return c(
    'object-redefined',
    'OTHER',
    `object ${ch.object}${t ? ` (/${t})` : ''} redefined (referenced via ${describe(refs)})`,
  );
}

function fieldLike(ctx: RuleContext, r: PdfRef): boolean {
  const d = dictOf(resolve(ctx, r, ctx.revision - 1));
  return !!d && (d.has('FT') || d.has('T') || d.getName('Subtype') === 'Widget' || d.has('Parent'));
}

function describe(refs: { from: number | 'trailer'; path: string[] }[]): string {
  return refs
    .slice(0, 3)
    .map((r) => `${r.from === 'trailer' ? 'trailer' : r.from}/${r.path.join('/')}`)
    .join(', ');
}
