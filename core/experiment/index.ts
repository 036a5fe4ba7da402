export * from './run-experiment';
