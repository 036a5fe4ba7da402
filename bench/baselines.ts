import { evaluateRanking } from '../core/eval';
import { createModel, easeLambdaPath, type Recommender } from '../core/models';
import { loadMl100kProtocol } from './ml100k';

/*
 * Baseline figures on MovieLens 100K with the engine protocol (every rating a positive,
 * random 80/10/10 per user, full ranking with train (+ valid on test) masked), through
 * RecLab's own loader, splitter and evaluator.
 * `npm run bench -- baselines` prints fit times and NDCG@10 and ends with one JSON line.
 */

export interface BaselineBench {
  fit_s: Record<string, number>;
  ndcg_at_10: Record<string, number>;
  ease_lambda_grid_s: number;
}

/**
 * Fit seconds of each baseline (registry defaults), test NDCG@10 as a check, and the time
 * of an EASE lambda grid of 3 (`easeLambdaPath`, each model evaluated on valid).
 * `onFitted` sees each fitted model before it is disposed (the engine bench keeps EASE's scores).
 */
export async function benchBaselines(onFitted?: (type: string, model: Recommender) => Promise<void>): Promise<BaselineBench> {
  const p = loadMl100kProtocol();
  const fit_s: Record<string, number> = {};
  const ndcg_at_10: Record<string, number> = {};
  for (const type of ['random', 'mostpop', 'itemknn', 'ease', 'puresvd', 'content-knn']) {
    const model = createModel({ type });
    const t0 = performance.now();
    await model.fit(p.ctx);
    fit_s[type] = (performance.now() - t0) / 1000;
    const r = await evaluateRanking({ scorer: model, truth: p.test, exclude: [p.train, p.valid], ks: [10] });
    ndcg_at_10[type] = r.overall['ndcg@10'];
    await onFitted?.(type, model);
    model.dispose?.();
    console.log(`${type.padEnd(12)} fit ${fit_s[type].toFixed(2)} s, test NDCG@10 ${ndcg_at_10[type].toFixed(4)}`);
  }
  const lambdas = [200, 500, 1000];
  const t0 = performance.now();
  for (const { lambda, model } of easeLambdaPath(p.ctx, lambdas)) {
    const r = await evaluateRanking({ scorer: model, truth: p.valid, exclude: [p.train], ks: [10] });
    console.log(`ease lambda ${lambda}: valid NDCG@10 ${r.overall['ndcg@10'].toFixed(4)}`);
    model.dispose();
  }
  const ease_lambda_grid_s = (performance.now() - t0) / 1000;
  console.log(`ease lambda grid of ${lambdas.length} (fits + valid evaluations): ${ease_lambda_grid_s.toFixed(2)} s`);
  return { fit_s, ndcg_at_10, ease_lambda_grid_s };
}
