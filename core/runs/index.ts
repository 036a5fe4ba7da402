export * from './types';
export * from './errors';
export { SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations';
export { downsampleSeries } from './downsample';
export * from './metric-buffer';
export * from './sqlite';
