export * from './tfidf';
