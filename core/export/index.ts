export * from './run-artifacts';
export * from './tfjs-io';
export * from './embeddings';
export * from './manifest';
export * from './architecture-state';
export * from './fold-in';
export * from './bundle';
export * from './load-bundle';
