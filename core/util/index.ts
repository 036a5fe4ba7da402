export * from './random';
export * from './errors';
export * from './hash';
export * from './version';
export * from './linalg';
export * from './event';
