/**
 * Modification analysis for one signature: every change made by revisions after the one it signs, classified by
 * the whitelisting rules, plus the incremental-saving facts (bytes after the last %%EOF, objects no xref refers to).
 */
import { PdfRef, type PdfDocument } from '@kyso/pdf';
import { changesAfter, RefIndex } from './diff.js';
import { classify, classifyRootSwitch, levelRank, maxLevel, permittedLevel, type ModificationLevel } from './rules.js';

export interface ModificationChange {
  revision: number;
  object: number;
  /** What the rule engine recognised (e.g. 'dss', 'catalog', 'page-content', 'signature-field-added'). */
  kind: string;
  /** 'new' | 'replaced' | 'freed'. */
  change: 'new' | 'replaced' | 'freed';
  level: ModificationLevel;
  allowed: boolean;
  reason: string;
}

export interface ModificationAnalysis {
  /** The highest level among the changes ('NONE' when nothing changed). */
  level: ModificationLevel;
  /** NONE: no later revision; ALLOWED: all changes permitted; DISALLOWED: anything else (incl. incremental-saving facts). */
  verdict: 'NONE' | 'ALLOWED' | 'DISALLOWED';
  /** The highest level the document's DocMDP permits. */
  permitted: ModificationLevel;
  changes: ModificationChange[];
  /** Non-whitespace bytes after the last %%EOF (null when none). */
  trailingBytes: { offset: number; length: number } | null;
  /** Objects in revisions after the signed one that no cross-reference section refers to. */
  unreferencedObjects: { num: number; gen: number; offset: number; revision: number }[];
}

export interface AnalyseOptions {
  /** DocMDP P of the certifying signature; undefined for a document without certification. */
  docMdp?: 1 | 2 | 3;
  /** Fully qualified names of fields locked by FieldMDP of signatures applied so far. */
  lockedFields?: Iterable<string>;
}

export function analyseModifications(doc: PdfDocument, signedRevision: number, options: AnalyseOptions = {}): ModificationAnalysis {
  const permitted = permittedLevel(options.docMdp);
  const lockedFields = new Set(options.lockedFields ?? []);
  const changes: ModificationChange[] = [];
  let level: ModificationLevel = 'NONE';
  const indexes = new Map<number, RefIndex>();
  const index = (rev: number): RefIndex => {
    let i = indexes.get(rev);
    if (!i) indexes.set(rev, (i = new RefIndex(doc, rev)));
    return i;
  };
  const all = changesAfter(doc, signedRevision);
  for (let k = signedRevision + 1; k < doc.revisions.length; k++) {
    const revChanges = all.filter((ch) => ch.revision === k);
    const ctx = { doc, revision: k, before: index(k - 1), after: index(k), changed: new Set(revChanges.map((ch) => ch.object)), lockedFields };
    for (const ch of revChanges) {
      let cl;
      try {
        cl = classify(ctx, ch);
      } catch (e) {
        cl = { kind: 'unreadable', level: 'OTHER' as const, reason: `could not analyse: ${e instanceof Error ? e.message : String(e)}` };
      }
      level = maxLevel(level, cl.level);
      changes.push({ revision: k, object: ch.object, kind: cl.kind, change: ch.change, level: cl.level, allowed: levelRank(cl.level) <= levelRank(permitted), reason: cl.reason });
    }
    const root = doc.revisions[k].trailer.get('Root');
    let switched;
    try {
      switched = classifyRootSwitch(ctx);
    } catch (e) {
      switched = { kind: 'unreadable', level: 'OTHER' as const, reason: `could not analyse the trailer /Root: ${e instanceof Error ? e.message : String(e)}` };
    }
    if (switched && root instanceof PdfRef) {
      level = maxLevel(level, switched.level);
      changes.push({ revision: k, object: root.num, kind: switched.kind, change: 'replaced', level: switched.level, allowed: levelRank(switched.level) <= levelRank(permitted), reason: switched.reason });
    }
    indexes.delete(k - 1);
  }
  const tb = doc.trailingBytes();
  const trailingBytes = tb && !tb.whitespaceOnly ? { offset: tb.offset, length: tb.length } : null;
  let unreferencedObjects: ModificationAnalysis['unreferencedObjects'] = [];
  try {
    unreferencedObjects = doc.unreferencedObjects().filter((o) => o.revision > signedRevision);
  } catch {
    unreferencedObjects = [];
  }
  const later = signedRevision < doc.revisions.length - 1;
  const bad = changes.some((ch) => !ch.allowed) || trailingBytes !== null || unreferencedObjects.length > 0;
  const verdict = bad ? 'DISALLOWED' : later ? 'ALLOWED' : 'NONE';
  return { level, verdict, permitted, changes, trailingBytes, unreferencedObjects };
}
