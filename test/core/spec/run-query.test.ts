import { describe, expect, it } from 'vitest';
import { parseRunQuery, QuerySyntaxError } from '../../../core/spec';

function syntaxError(text: string): QuerySyntaxError {
  try {
    parseRunQuery(text);
  } catch (e) {
    if (e instanceof QuerySyntaxError) return e;
    throw e;
  }
  throw new Error(`'${text}' parsed`);
}

describe('the runs query language', () => {
  it("parses MLflow's form, with and binding tighter than or", () => {
    expect(parseRunQuery('metrics.ndcg@10 > 0.3 and params.model.type = "hybrid" or tags.stage = \'tuned\'')).toEqual({
      type: 'or',
      left: {
        type: 'and',
        left: { type: 'compare', field: { kind: 'metric', key: 'ndcg@10', segment: 'overall' }, op: '>', value: 0.3, position: 0 },
        right: { type: 'compare', field: { kind: 'param', key: 'model.type' }, op: '=', value: 'hybrid', position: 26 },
      },
      right: { type: 'compare', field: { kind: 'tag', key: 'stage' }, op: '=', value: 'tuned', position: 58 },
    });
  });

  it('takes parentheses, not, in lists, like, is null, segments, backquoted keys and attributes', () => {
    const q = parseRunQuery('not (status = "FAILED" OR model in ("mostpop", "random")) and metrics[items:cold].ndcg@10 >= 0.2 and name ilike "%Gate%" and params.`odd key` is not null and duration < 600');
    const flat: string[] = [];
    const walk = (n: unknown): void => {
      const node = n as { type: string; left?: unknown; right?: unknown; expr?: unknown; field?: unknown };
      if (node.left) walk(node.left);
      if (node.expr) walk(node.expr);
      if (node.right) walk(node.right);
      if (node.field) flat.push(`${node.type}:${JSON.stringify(node.field)}`);
    };
    walk(q);
    expect(flat).toEqual([
      'compare:{"kind":"attribute","name":"status"}',
      'in:{"kind":"attribute","name":"model"}',
      'compare:{"kind":"metric","key":"ndcg@10","segment":"items:cold"}',
      'like:{"kind":"attribute","name":"name"}',
      'null:{"kind":"param","key":"odd key"}',
      'compare:{"kind":"attribute","name":"duration"}',
    ]);
    expect(parseRunQuery("metrics['users:activity[1-5]'].recall@20 < 1")).toMatchObject({ field: { kind: 'metric', segment: 'users:activity[1-5]', key: 'recall@20' } });
    expect(parseRunQuery('   ')).toBeUndefined();
  });

  it('reports errors at their position with what was expected', () => {
    const missingOp = syntaxError('metrics.ndcg@10 0.3');
    expect(missingOp.position).toBe(16);
    expect(missingOp.message).toMatch(/Expected an operator after 'metrics.ndcg@10'/);
    const unknown = syntaxError('status = "FINISHED" and stats.x = 1');
    expect([unknown.position, unknown.length]).toEqual([24, 7]);
    expect(unknown.message).toMatch(/Unknown field 'stats.x'.*metrics.KEY/);
    const unquoted = syntaxError('model = hybrid');
    expect(unquoted.position).toBe(8);
    expect(unquoted.message).toMatch(/quote text values \("hybrid"\)/);
    const open = syntaxError('(status = "FINISHED"');
    expect(open.position).toBe(0);
    expect(open.message).toMatch(/never closed/);
    const tail = syntaxError('status = "FINISHED" status');
    expect(tail.position).toBe(20);
    expect(tail.message).toMatch(/Expected 'and', 'or' or the end/);
    expect(syntaxError('name = "abc').message).toMatch(/Unclosed string/);
    expect(syntaxError('metrics. > 1').message).toMatch(/names no key/);
  });
});
