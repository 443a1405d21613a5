export { analyseModifications, type ModificationAnalysis, type ModificationChange, type AnalyseOptions } from './analyse.js';
export { changesAfter, revisionChanges, diffKeys, sameValue, RefIndex, type ObjectChange, type ChangeKind, type IncomingRef } from './diff.js';
export { classify, permittedLevel, levelRank, maxLevel, LEVELS, type ModificationLevel, type Classification, type RuleContext } from './rules.js';
