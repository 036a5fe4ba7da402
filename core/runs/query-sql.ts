import { parseRunQuery, QuerySyntaxError, type ComparisonOp, type QueryField, type QueryNode, type QueryValue } from '../spec';
import { RunStoreError } from './errors';

/**
 * A runs filter query (core/spec's grammar) as one SQL condition over `runs r`, with its
 * arguments. Every field that a run lacks makes its comparison false (SQL's NULL), so
 * `params.dim != 64` leaves out runs without that param; `is null` asks for absence.
 */
export function runQuerySql(text: string): { sql: string; args: unknown[]; usesExperiment: boolean } | undefined {
  let ast: QueryNode | undefined;
  try {
    ast = parseRunQuery(text);
  } catch (e) {
    if (e instanceof QuerySyntaxError) throw new RunStoreError(`Filter: ${e.message}`, 'QUERY', { position: e.position, length: e.length });
    throw e;
  }
  if (!ast) return undefined;
  const args: unknown[] = [];
  let usesExperiment = false;

  /** A JSON number held in a text column: compared as a number. */
  const numeric = (col: string) => `(json_valid(${col}) AND json_type(${col}) IN ('integer', 'real'))`;

  /** The SQL value of a field for run r (NULL when the run lacks it), and whether it is a number. */
  const fieldSql = (f: QueryField): { sql: string; kind: 'number' | 'text' | 'param' | 'time' } => {
    switch (f.kind) {
      case 'metric':
        args.push(f.segment, f.key);
        // A run still training has no final metrics: overall, the latest value of its series stands in.
        if (f.segment === 'overall') {
          args.push(f.key);
          return { sql: '(SELECT coalesce((SELECT fm.value FROM final_metrics fm WHERE fm.run_id = r.id AND fm.segment = ? AND fm.key = ?), (SELECT ms.value FROM metric_series ms WHERE ms.run_id = r.id AND ms.key = ?)))', kind: 'number' };
        }
        return { sql: '(SELECT fm.value FROM final_metrics fm WHERE fm.run_id = r.id AND fm.segment = ? AND fm.key = ?)', kind: 'number' };
      case 'param':
        args.push(f.key);
        return { sql: '(SELECT p.value FROM params p WHERE p.run_id = r.id AND p.key = ?)', kind: 'param' };
      case 'tag':
        args.push(f.key);
        return { sql: '(SELECT t.value FROM tags t WHERE t.run_id = r.id AND t.key = ?)', kind: 'text' };
      case 'attribute':
        switch (f.name) {
          case 'status':
            return { sql: 'r.status', kind: 'text' };
          case 'name':
            return { sql: 'r.name', kind: 'text' };
          case 'experiment':
            usesExperiment = true;
            return { sql: '(SELECT e2.name FROM experiments e2 WHERE e2.id = r.experiment_id)', kind: 'text' };
          case 'model':
            return { sql: "json_extract(r.spec, '$.model.type')", kind: 'text' };
          case 'dataset':
            return { sql: "coalesce(json_extract(r.dataset_stats, '$.name'), json_extract(r.spec, '$.data.name'), json_extract(r.spec, '$.data.source'))", kind: 'text' };
          case 'id':
            return { sql: 'r.id', kind: 'text' };
          case 'fingerprint':
            return { sql: 'r.fingerprint', kind: 'text' };
          case 'backend':
            return { sql: 'r.backend', kind: 'text' };
          case 'notes':
            return { sql: 'r.notes', kind: 'text' };
          case 'start_time':
            return { sql: 'r.start_time', kind: 'time' };
          case 'end_time':
            return { sql: 'r.end_time', kind: 'time' };
          case 'duration':
            return { sql: '((r.end_time - r.start_time) / 1000.0)', kind: 'number' };
        }
    }
  };

  const literal = (v: QueryValue, kind: 'number' | 'text' | 'param' | 'time', position: number): unknown => {
    if (typeof v === 'boolean') return kind === 'number' ? (v ? 1 : 0) : String(v);
    if (kind === 'time' && typeof v === 'string') {
      const t = Date.parse(v);
      if (Number.isNaN(t)) throw new RunStoreError(`Filter: '${v}' is not a date; give milliseconds since 1970 or an ISO date like "2026-12-01".`, 'QUERY', { position, length: 1 });
      return t;
    }
    if (kind === 'number' && typeof v === 'string') throw new RunStoreError(`Filter: metrics and durations are numbers; '${v}' is text.`, 'QUERY', { position, length: 1 });
    return v;
  };

  const compare = (f: QueryField, op: ComparisonOp, v: QueryValue, position: number): string => {
    if (f.kind === 'param' && typeof v === 'number') {
      // Params are text; a numeric literal compares with the params that hold numbers, by value ('8' < '16').
      args.push(f.key, v);
      return `EXISTS (SELECT 1 FROM params p WHERE p.run_id = r.id AND p.key = ? AND ${numeric('p.value')} AND CAST(p.value AS REAL) ${op} ?)`;
    }
    const { sql, kind } = fieldSql(f);
    const lit = literal(v, kind, position);
    args.push(kind === 'param' ? String(lit) : lit);
    return `(${sql} ${op} ?)`;
  };

  const walk = (n: QueryNode): string => {
    switch (n.type) {
      case 'and':
      case 'or':
        return `(${walk(n.left)} ${n.type.toUpperCase()} ${walk(n.right)})`;
      case 'not':
        // NOT of an unknown (a missing field) stays unknown: coalesce makes it a plain false.
        return `(NOT coalesce(${walk(n.expr)}, 0))`;
      case 'compare':
        return compare(n.field, n.op, n.value, n.position);
      case 'in': {
        const parts = n.values.map((v) => compare(n.field, '=', v, n.position));
        const any = `(${parts.join(' OR ')})`;
        return n.negated ? `(NOT coalesce(${any}, 1))` : any;
      }
      case 'like': {
        const { sql } = fieldSql(n.field);
        // ilike: SQLite's LIKE (ASCII case ignored); like: case-sensitive, as GLOB with the pattern translated.
        args.push(n.caseInsensitive ? n.pattern : likeToGlob(n.pattern));
        const cond = `(${sql} ${n.caseInsensitive ? 'LIKE' : 'GLOB'} ?)`;
        return n.negated ? `(NOT coalesce(${cond}, 1))` : cond;
      }
      case 'null': {
        const { sql } = fieldSql(n.field);
        return `(${sql} IS ${n.negated ? 'NOT ' : ''}NULL)`;
      }
    }
  };

  return { sql: walk(ast), args, usesExperiment };
}

/** A LIKE pattern as a GLOB pattern: % -> *, _ -> ?, GLOB's own specials matched literally. */
function likeToGlob(pattern: string): string {
  return pattern.replace(/[*?[\]]/g, (c) => `[${c}]`).replace(/%/g, '*').replace(/_/g, '?');
}
