export * from './spec';
export * from './document';
