#!/usr/bin/python3
"""numpy reference timings for bench/linalg.ts (run with Debian's /usr/bin/python3 and
python3-numpy; the BLAS numpy loaded is printed, as its speed decides the figures).

  numpy_linalg.py ease PAIRS N_USERS N_ITEMS LAMBDA REPEATS B_OUT
      EASE as its reference implementation (Steck 2019) writes it, timed from the dense
      binary matrix X: G = XᵀX + λI, P = inv(G), B = P / -diag(P), diag(B) = 0. PAIRS is
      int32 (user, item) pairs; B of the last repeat is written to B_OUT as float32. Also
      times an eigendecomposition of G and one λ's V diag(1/(e+λ)) Vᵀ, the alternative
      for a λ grid.
  numpy_linalg.py inverse GRAM N LAMBDA REPEATS
      np.linalg.inv of the float32 N x N matrix in GRAM (as float64) plus λI.

Prints one JSON line: the times of each repeat, their median, the BLAS library and the
OPENBLAS_NUM_THREADS setting.
"""
import json
import os
import sys
import time

import numpy as np


def blas_library():
    with open('/proc/self/maps') as maps:
        libs = {line.split()[-1] for line in maps if 'blas' in line or 'lapack' in line}
    return sorted(p for p in libs if p.startswith('/'))


def timed(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def ease(pairs_file, n_users, n_items, lam, repeats, b_out):
    pairs = np.fromfile(pairs_file, dtype=np.int32).reshape(-1, 2)
    x = np.zeros((n_users, n_items), dtype=np.float64)
    x[pairs[:, 0], pairs[:, 1]] = 1.0

    def fit():
        g = x.T @ x
        g[np.diag_indices(n_items)] += lam
        p = np.linalg.inv(g)
        b = p / (-np.diag(p))
        b[np.diag_indices(n_items)] = 0.0
        return b

    times, b = timed(fit, repeats)
    b.astype(np.float32).tofile(b_out)
    g = x.T @ x
    t0 = time.perf_counter()
    e, v = np.linalg.eigh(g)
    eigh_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    (v * (1.0 / (e + lam))) @ v.T
    per_lambda_s = time.perf_counter() - t0
    return {'times': times, 'eigh_s': eigh_s, 'evd_per_lambda_s': per_lambda_s}


def inverse(gram_file, n, lam, repeats):
    g = np.fromfile(gram_file, dtype=np.float32).reshape(n, n).astype(np.float64)
    g[np.diag_indices(n)] += lam
    times, p = timed(lambda: np.linalg.inv(g), repeats)
    rows = np.arange(0, n, max(1, n // 50))
    residual = float(np.abs(g[rows] @ p - np.eye(n)[rows]).max())
    return {'times': times, 'residual': residual}


def main():
    mode = sys.argv[1]
    if mode == 'ease':
        pairs, n_users, n_items, lam, repeats, b_out = sys.argv[2:8]
        result = ease(pairs, int(n_users), int(n_items), float(lam), int(repeats), b_out)
    elif mode == 'inverse':
        gram, n, lam, repeats = sys.argv[2:6]
        result = inverse(gram, int(n), float(lam), int(repeats))
    else:
        raise SystemExit(__doc__)
    result['median'] = float(np.median(result['times']))
    result['blas'] = blas_library()
    result['numpy'] = np.__version__
    result['openblas_threads'] = os.environ.get('OPENBLAS_NUM_THREADS', 'unset')
    print(json.dumps(result))


if __name__ == '__main__':
    main()
