export * from './layout';
export * from './notebook-files';
export * from './progress-tracker';
export * from './workspace';
export * from './examples';
