export * from './types';
export * from './metrics';
export * from './evaluate';
export * from './segments';
export * from './sampled';
export * from './topk';
export * from './fallback';
