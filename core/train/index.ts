export * from './backend';
export * from './losses';
export * from './optimizers';
export * from './scoring';
