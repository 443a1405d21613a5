export {
  analyseModifications,
  type ModificationAnalysis,
  type ModificationChange,
  type AnalyseOptions,
} from './analyse.js';
export {
  changesAfter,
  revisionChanges,
  diffKeys,
  sameValue,
  RefIndex,
  REF_INDEX_LIMITS,
  type ObjectChange,
  type ChangeKind,
  type IncomingRef,
} from './diff.js';
export {
  contentClosure,
  readingDifferences,
  xrefAnomalies,
  READING_LIMITS,
  type XrefAnomaly,
  type ReadingDifference,
  type ContentRole,
  type Reading,
  type ContentClosure,
} from './readings.js';
export {
  classify,
  permittedLevel,
  levelRank,
  maxLevel,
  LEVELS,
  type ModificationLevel,
  type Classification,
  type RuleContext,
} from './rules.js';
