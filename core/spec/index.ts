export * from './experiment';
export { formatIssues, formatPath } from './issues';
export { editDistance, closestName, didYouMean } from './suggest';
