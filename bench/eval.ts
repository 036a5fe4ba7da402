import fs from 'node:fs';
import path from 'node:path';
import { buildCsr, columnCounts, splitDataset, splitMatrices, type CsrMatrix, type Dataset } from '../core/data';
import { evaluateRanking, type EvaluateOptions, type Scorer } from '../core/eval';
import { Rng } from '../core/util';

const N_USERS = 943;
const N_ITEMS = 1682;

/** Scores computed once and served from memory, so only evaluation is timed. */
class FixedScores implements Scorer {
  constructor(
    readonly nItems: number,
    private readonly scores: Float32Array,
  ) {}
  scoreUsers(users: Int32Array, out: Float32Array): void {
    for (let b = 0; b < users.length; b++) out.set(this.scores.subarray(users[b] * this.nItems, (users[b] + 1) * this.nItems), b * this.nItems);
  }
}

/** ML-100K's u.data as a minimal Dataset (plain parsing: the loaders live elsewhere). */
function readMl100k(): Dataset | undefined {
  const dir = process.env.RECLAB_ML100K ?? path.resolve(__dirname, '..', '..', 'shared', 'datasets', 'ml-100k');
  const file = path.join(dir, 'u.data');
  if (!fs.existsSync(file)) return undefined;
  const rows = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => l.split('\t').map(Number));
  return {
    name: 'ml-100k',
    source: dir,
    userIds: Array.from({ length: N_USERS }, (_, u) => String(u + 1)),
    itemIds: Array.from({ length: N_ITEMS }, (_, i) => String(i + 1)),
    interactions: {
      user: Int32Array.from(rows, (r) => r[0] - 1),
      item: Int32Array.from(rows, (r) => r[1] - 1),
      rating: Float32Array.from(rows, (r) => r[2]),
      timestamp: Float64Array.from(rows, (r) => r[3]),
      context: {},
    },
    userAttributes: [],
    itemAttributes: [],
  };
}

/** Random sparse parts when ML-100K is absent: ~85 train and ~10 test items per user. */
function randomParts(rng: Rng): { train: CsrMatrix; valid: CsrMatrix; test: CsrMatrix } {
  const part = (p: number) => {
    const rows: number[] = [];
    const cols: number[] = [];
    for (let u = 0; u < N_USERS; u++) {
      for (let i = 0; i < N_ITEMS; i++) {
        if (rng.next() >= p) continue;
        rows.push(u);
        cols.push(i);
      }
    }
    return buildCsr(N_USERS, N_ITEMS, Int32Array.from(rows), Int32Array.from(cols));
  };
  return { train: part(0.05), valid: part(0.006), test: part(0.006) };
}

/**
 * Times full-ranking evaluation of 943 users x 1682 items, K = 5, 10, 20, from a precomputed
 * random score matrix (the ML-100K random 80/10/10 split with train+valid masked when the data
 * is present, else random parts of similar density). Median of 5 runs after one warm-up.
 */
export async function benchEval(): Promise<{ eval_s: number; eval_segments_s: number; users: number; data: string }> {
  const rng = new Rng(1);
  const ds = readMl100k();
  const m = ds ? splitMatrices(ds, splitDataset(ds, { kind: 'random', ratios: [0.8, 0.1, 0.1] }, 42)) : randomParts(rng);
  const scores = Float32Array.from({ length: N_USERS * N_ITEMS }, () => rng.next());
  const opts: EvaluateOptions = { scorer: new FixedScores(N_ITEMS, scores), truth: m.test, exclude: [m.train, m.valid], ks: [5, 10, 20], itemPopularity: columnCounts(m.train) };
  const time = async (o: EvaluateOptions) => {
    await evaluateRanking(o); // warm-up (JIT)
    const times: number[] = [];
    let users = 0;
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      users = (await evaluateRanking(o)).nUsers;
      times.push((performance.now() - t0) / 1000);
    }
    return { median: times.sort((a, b) => a - b)[2], users };
  };
  const plain = await time(opts);
  const segmented = await time({ ...opts, segments: true, trainCounts: m.train, keepTopK: 20 });
  return { eval_s: plain.median, eval_segments_s: segmented.median, users: plain.users, data: ds ? 'ml-100k' : 'random' };
}

if (require.main === module) {
  benchEval().then(
    (r) => console.log(JSON.stringify(r)),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
