export * from './types';
export * from './registry';
export * from './baselines';
export * from './neural';
export * from './lightfm';
