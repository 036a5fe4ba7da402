export * from './random';
export * from './errors';
export * from './hash';
