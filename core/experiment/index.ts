export * from './progress';
export * from './run-record';
export * from './run-experiment';
