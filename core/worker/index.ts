export * from './protocol';
export * from './host';
