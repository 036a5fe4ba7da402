export * from './types';
export * from './errors';
export { SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations';
export { downsampleSeries } from './downsample';
export * from './metric-buffer';
export * from './sqlite';
export { writeRunFiles, readRunFiles, RUN_FILE, SERIES_FILE } from './snapshot-files';
export { recoverRuns, type RecoverOptions, type RecoverReport } from './recover';
export type { RunFilter } from './filters';
