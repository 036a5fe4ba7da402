import { RunStoreError } from './errors';
import { runQuerySql } from './query-sql';
import { RUN_STATUSES, type ListRunsQuery } from './types';

/** The filters `listRuns` and `listRunSummaries` share. */
export type RunFilter = Pick<ListRunsQuery, 'experiment' | 'status' | 'tag' | 'search' | 'query' | 'trashed'>;

/**
 * WHERE conditions (ANDed) and their arguments for a filter, over `runs r` joined with
 * `experiments e`. One place, so the list and the pages always agree on what matches.
 */
export function runFilterSql(filter: RunFilter): { where: string[]; args: unknown[] } {
  const where: string[] = [filter.trashed ? 'r.deleted_at IS NOT NULL' : 'r.deleted_at IS NULL'];
  const args: unknown[] = [];
  if (filter.experiment !== undefined) {
    where.push('e.name = ?');
    args.push(filter.experiment);
  }
  if (filter.status !== undefined) {
    if (!RUN_STATUSES.includes(filter.status)) throw new RunStoreError(`Unknown run status ${JSON.stringify(filter.status)}; use one of ${RUN_STATUSES.join(', ')}.`, 'INVALID_ARGUMENT');
    where.push('r.status = ?');
    args.push(filter.status);
  }
  if (filter.tag !== undefined) {
    const tag = typeof filter.tag === 'string' ? parseTagFilter(filter.tag) : filter.tag;
    if (tag.value === undefined) {
      where.push('EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.key = ?)');
      args.push(tag.key);
    } else {
      where.push('EXISTS (SELECT 1 FROM tags t WHERE t.run_id = r.id AND t.key = ? AND t.value = ?)');
      args.push(tag.key, tag.value);
    }
  }
  if (filter.search) {
    where.push("r.name LIKE ? ESCAPE '\\'");
    args.push(`%${filter.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
  }
  if (filter.query !== undefined) {
    const q = runQuerySql(filter.query);
    if (q) {
      where.push(`coalesce(${q.sql}, 0)`);
      args.push(...q.args);
    }
  }
  return { where, args };
}

/** `key` or `key=value`. */
export function parseTagFilter(s: string): { key: string; value?: string } {
  const eq = s.indexOf('=');
  return eq < 0 ? { key: s } : { key: s.slice(0, eq), value: s.slice(eq + 1) };
}
