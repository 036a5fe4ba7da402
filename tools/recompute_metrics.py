#!/usr/bin/env python3
"""Independent check of RecLab's ranking metrics from a run's exported artifacts.

Reads <artifact_dir>/test.csv (user,item,...), topk.csv (user,item,rank,score) and
metrics.json ({"ks": [...], "overall": {...}}), recomputes Precision, Recall, NDCG
(binary gain, log2 discount, ideal DCG over min(|relevant|, K)), Hit rate, MAP and MRR at
each K with the Python standard library only, and compares them with RecLab's values.
Users with test items but no top-K rows count as all misses. Exits 1 on a mismatch.

Usage: python3 tools/recompute_metrics.py ARTIFACT_DIR [--tol 1e-6] [--json]
"""
import csv, json, math, os, sys
from collections import defaultdict


def read_csv(path):
    with open(path, newline='', encoding='utf-8') as f:
        return list(csv.DictReader(f))


def recompute(art_dir):
    relevant = defaultdict(set)
    for r in read_csv(os.path.join(art_dir, 'test.csv')):
        relevant[r['user']].add(r['item'])
    ranked = defaultdict(list)
    for r in read_csv(os.path.join(art_dir, 'topk.csv')):
        ranked[r['user']].append((int(r['rank']), r['item']))
    with open(os.path.join(art_dir, 'metrics.json'), encoding='utf-8') as f:
        reported = json.load(f)
    ks = reported['ks']
    sums = defaultdict(float)
    users = [u for u in relevant if relevant[u]]
    for u in users:
        rel = relevant[u]
        items = [i for _, i in sorted(ranked.get(u, []))]
        for k in ks:
            top = items[:k]
            hits = [1 if i in rel else 0 for i in top]
            n_hit = sum(hits)
            dcg = sum(h / math.log2(r + 2) for r, h in enumerate(hits))
            idcg = sum(1 / math.log2(r + 2) for r in range(min(len(rel), k)))
            ap, seen = 0.0, 0
            for r, h in enumerate(hits):
                if h:
                    seen += 1
                    ap += seen / (r + 1)
            first = next((r for r, h in enumerate(hits) if h), None)
            sums[f'precision@{k}'] += n_hit / k
            sums[f'recall@{k}'] += n_hit / len(rel)
            sums[f'ndcg@{k}'] += dcg / idcg
            sums[f'hit@{k}'] += 1.0 if n_hit else 0.0
            sums[f'map@{k}'] += ap / min(len(rel), k)
            sums[f'mrr@{k}'] += 0.0 if first is None else 1 / (first + 1)
    return {key: v / len(users) for key, v in sums.items()}, reported['overall'], len(users)


def main():
    args = sys.argv[1:]
    tol = 1e-6
    if '--tol' in args:
        i = args.index('--tol'); tol = float(args[i + 1]); del args[i:i + 2]
    as_json = '--json' in args
    args = [a for a in args if a != '--json']
    if len(args) != 1:
        print(__doc__, file=sys.stderr); sys.exit(2)
    ours, theirs, n_users = recompute(args[0])
    worst = 0.0
    rows = []
    for key in sorted(ours):
        if key not in theirs:
            print(f'metrics.json lacks {key}', file=sys.stderr); sys.exit(1)
        diff = abs(ours[key] - theirs[key]); worst = max(worst, diff)
        rows.append((key, ours[key], theirs[key], diff))
    if as_json:
        print(json.dumps({'users': n_users, 'max_abs_diff': worst, 'recomputed': ours}))
    else:
        for key, a, b, d in rows:
            print(f'{key:14s} recomputed {a:.8f}  reclab {b:.8f}  diff {d:.2e}')
        print(f'{n_users} users, max abs diff {worst:.2e} (tolerance {tol})')
    sys.exit(0 if worst <= tol else 1)


if __name__ == '__main__':
    main()
