import { describe, expect, it } from 'vitest';
import { compareMetricKeys, compareSegments, metricDirection } from '../../../core/cli/metric-order';

describe('metric and segment order', () => {
  it('sorts K by value and metric names alphabetically', () => {
    expect(['ndcg@20', 'auc', 'ndcg@10', 'hit@5', 'ndcg@5', 'hit@100'].sort(compareMetricKeys)).toEqual(['auc', 'hit@5', 'hit@100', 'ndcg@5', 'ndcg@10', 'ndcg@20']);
  });

  it('puts overall first, then item and user groups in reading order, ranges by their bounds, sampled last', () => {
    const given = ['sampled', 'users:activity[119-589]', 'items:tail', 'users:warm', 'users:activity[16-27]', 'items:warm', 'overall', 'users:activity[4-15]', 'items:cold', 'items:head', 'users:cold', 'items:mid', 'users:no-history'];
    expect(given.sort(compareSegments)).toEqual([
      'overall',
      'items:cold',
      'items:warm',
      'items:head',
      'items:mid',
      'items:tail',
      'users:cold',
      'users:warm',
      'users:no-history',
      'users:activity[4-15]',
      'users:activity[16-27]',
      'users:activity[119-589]',
      'sampled',
    ]);
  });

  it('knows which way a metric improves', () => {
    expect(['ndcg@10', 'auc', 'coverage@20', 'fit_s', 'users', 'arp@10'].map(metricDirection)).toEqual(['higher', 'higher', 'higher', 'lower', undefined, undefined]);
  });
});
