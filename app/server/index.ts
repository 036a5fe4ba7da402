export * from './server';
export * from './serve-command';
export { contentSecurityPolicy } from '../common/csp';
