export * from './document';
export * from './templates';
