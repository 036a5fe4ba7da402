export * from './types';
export * from './registry';
export * from './layers';
export * from './mf';
export * from './gmf';
export * from './mlp';
export * from './neumf';
