export * from './run-artifacts';
