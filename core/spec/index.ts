export * from './experiment';
