export * from './backend';
export * from './losses';
export * from './optimizers';
export * from './context-rows';
export * from './early-stopping';
export * from './trainer';
export * from './neural-recommender';
