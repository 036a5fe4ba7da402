import { InputError, Rng } from '../util';
import type { AttributeValue, Dataset } from './types';

/** Options of {@link generateSampleDataset}; defaults give the embedded sample. */
export interface SampleOptions {
  seed?: number;
  users?: number;
  items?: number;
  /** Target number of interactions; met exactly unless the per-user bounds [5, 40 % of items] forbid it. */
  interactions?: number;
}

interface Topic {
  name: string;
  /** Words of titles and descriptions. */
  words: string[];
  tags: string[];
  /** Median price of an item of this topic. */
  price: number;
}

/** Eight topics of a small media shop. Topic words overlap nowhere, so TF-IDF separates them. */
const TOPICS: Topic[] = [
  { name: 'science', price: 28, words: ['quantum', 'galaxy', 'molecule', 'evolution', 'physics', 'experiment', 'neuron', 'genome', 'telescope', 'particle', 'climate', 'theory', 'laboratory', 'cosmos', 'chemistry', 'energy'], tags: ['physics', 'biology', 'space', 'popular-science', 'research', 'nature'] },
  { name: 'history', price: 24, words: ['empire', 'dynasty', 'revolution', 'medieval', 'ancient', 'kingdom', 'battle', 'emperor', 'pharaoh', 'colonial', 'archive', 'chronicle', 'castle', 'treaty', 'republic', 'siege'], tags: ['ancient-world', 'war', 'biography', 'europe', 'asia', 'politics'] },
  { name: 'cooking', price: 22, words: ['recipe', 'kitchen', 'flavor', 'baking', 'spice', 'bread', 'pasta', 'vegetable', 'dessert', 'sauce', 'grill', 'chef', 'pastry', 'harvest', 'ferment', 'noodle'], tags: ['vegetarian', 'baking', 'quick-meals', 'world-cuisine', 'healthy', 'desserts'] },
  { name: 'travel', price: 19, words: ['journey', 'island', 'mountain', 'voyage', 'coast', 'desert', 'passport', 'backpack', 'harbor', 'trail', 'village', 'railway', 'compass', 'lagoon', 'canyon', 'expedition'], tags: ['adventure', 'guidebook', 'europe-travel', 'hiking', 'road-trip', 'photography'] },
  { name: 'fantasy', price: 16, words: ['dragon', 'wizard', 'sorcery', 'elven', 'prophecy', 'sword', 'realm', 'enchanted', 'quest', 'throne', 'rune', 'goblin', 'spellbook', 'oracle', 'curse', 'amulet'], tags: ['epic', 'magic', 'young-adult', 'series', 'dark-fantasy', 'fairy-tale'] },
  { name: 'mystery', price: 15, words: ['detective', 'murder', 'alibi', 'clue', 'suspect', 'inspector', 'poison', 'witness', 'cipher', 'heist', 'shadow', 'verdict', 'fingerprint', 'alley', 'conspiracy', 'ransom'], tags: ['crime', 'thriller', 'noir', 'police', 'whodunit', 'suspense'] },
  { name: 'sports', price: 21, words: ['marathon', 'stadium', 'football', 'tennis', 'coach', 'championship', 'athlete', 'training', 'cycling', 'olympic', 'league', 'goalkeeper', 'sprint', 'tournament', 'fitness', 'rowing'], tags: ['running', 'team-sports', 'fitness-training', 'biography-sport', 'outdoor', 'competition'] },
  { name: 'music', price: 20, words: ['guitar', 'symphony', 'melody', 'jazz', 'orchestra', 'rhythm', 'album', 'piano', 'concert', 'harmony', 'lyrics', 'violin', 'studio', 'rock', 'opera', 'drummer'], tags: ['classical', 'jazz-blues', 'rock-pop', 'instruments', 'songwriting', 'music-history'] },
];

/** How often items of each topic appear, so categories are unbalanced like a real catalogue. */
const TOPIC_FREQUENCY = [0.1, 0.1, 0.12, 0.1, 0.2, 0.18, 0.08, 0.12];
/** Words shared by all topics: they carry no signal, as in real descriptions. */
const GENERIC_WORDS = ['new', 'complete', 'edition', 'illustrated', 'practical', 'great', 'story', 'guide', 'world', 'life', 'secret', 'modern', 'classic', 'essential', 'collection', 'first', 'best', 'little', 'hidden', 'years', 'people', 'book', 'art', 'way'];
const TITLE_NOUNS = ['Guide', 'Chronicles', 'Handbook', 'Journey', 'Secrets', 'Story', 'Companion', 'Tales', 'Atlas', 'Notes'];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'IN', 'BR', 'JP', 'ES', 'CA', 'NL'];
const COUNTRY_FREQUENCY = [0.3, 0.12, 0.11, 0.09, 0.1, 0.08, 0.06, 0.06, 0.05, 0.03];
/** Relative activity per hour of the day (UTC): quiet nights, a lunch bump, an evening peak. */
const HOUR_WEIGHT = [2, 1, 0.6, 0.4, 0.4, 0.6, 1.5, 3, 4, 4, 4, 4.5, 5.5, 5, 4, 4, 4.5, 5, 7, 8.5, 9, 8, 6, 3.5];
/** Number of latent collaborative clusters (not visible in any attribute). */
const LATENT_CLUSTERS = 6;
/** Start of the simulated year: 2024-01-01T00:00:00Z. */
const YEAR_START = 1704067200;
const DAY = 86400;

function pick(rng: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let x = rng.next() * total;
  for (let k = 0; k < weights.length; k++) {
    x -= weights[k];
    if (x < 0) return k;
  }
  return weights.length - 1;
}

function choose<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(list.length)];
}

const GUMBEL_TABLE_SIZE = 1 << 16;

/**
 * Gumbel quantiles at (j + 0.5) / size: drawing an index uniformly gives Gumbel noise
 * with one random number and no logarithms, which made generation twice as fast.
 */
function gumbelTable(): Float64Array {
  const t = new Float64Array(GUMBEL_TABLE_SIZE);
  for (let j = 0; j < GUMBEL_TABLE_SIZE; j++) t[j] = -Math.log(-Math.log((j + 0.5) / GUMBEL_TABLE_SIZE));
  return t;
}

/** The k-th smallest value (0-based) of `a`, by quickselect; reorders `a`. A full sort per user was the slowest step. */
function kthSmallest(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

function capitalize(w: string): string {
  return w[0].toUpperCase() + w.slice(1);
}

/** Device of a session at `hour` on a weekend or weekday: desktops at work hours, phones and tablets at night. */
function device(rng: Rng, hour: number, weekend: boolean): string {
  let w: [number, number, number]; // mobile, desktop, tablet
  if (hour < 7) w = [0.8, 0.1, 0.1];
  else if (hour < 18 && !weekend) w = [0.3, 0.6, 0.1];
  else if (hour < 18) w = [0.5, 0.25, 0.25];
  else w = [0.55, 0.2, 0.25];
  return ['mobile', 'desktop', 'tablet'][pick(rng, w)];
}

/**
 * The embedded synthetic dataset ("synthetic" in the README), so RecLab works offline.
 * Same options give the identical dataset; each part draws from its own forked stream.
 *
 * Generative process (defaults: seed 42, 1500 users, 1200 items, 80,000 interactions):
 * 1. Catalogue. 8 topics (science, history, cooking, travel, fantasy, mystery, sports,
 *    music), each with its own 16 words and 6 tags. Each item has a main topic (unequal
 *    frequencies) and, half the time, a secondary topic (topic mix 0.75 / 0.25). Its
 *    `title` is two topic words and a noun; its `description` 12-24 words drawn from
 *    the main topic (50 %), the secondary topic (15 %) and generic words (35 %), so
 *    TF-IDF recovers the topic. `category` is the main topic (5 % label noise), `tags`
 *    2-4 topic tags (plus "bestseller" for some of the most popular items), `price`
 *    log-normal around the topic's median, `year` 1980-2024 skewed to recent years.
 * 2. Users. Each user likes one or two topics (topic preference 1 and 0.6, else 0.05)
 *    and belongs to one of 6 latent clusters; items belong to latent clusters too. The
 *    clusters are drawn independently of topics and of every attribute, so they are
 *    visible only in who interacts with what. `age` (18-75), `country` (10, unequal)
 *    and `segment` (casual / regular / enthusiast, from the user's activity) are
 *    attributes; activity is log-normal (clamped to 5..40 % of items and scaled to the target
 *    total), so a few users interact a lot.
 * 3. Preference. affinity(u, i) = 3 * (user topic preference . item topic mix)
 *    + 2 * (user latent vector . item latent vector), latent vectors being the one-hot
 *    cluster plus N(0, 0.3) noise. Content predicts cold items; collaboration adds the
 *    cluster part that content cannot see.
 * 4. Interactions. Each user draws their number of items without replacement with
 *    probability proportional to exp(affinity) * popularity, popularity being
 *    rank^-1.2 over a random ranking of items (long tail: few items get most events).
 *    rating = round(2.1 + 1.1 * z + user bias N(0, 0.4) + N(0, 0.6)) clipped to 1-5,
 *    z being the affinity standardised over all items for that user.
 * 5. Time and context. Each user is active on a span of the year 2024; the day is
 *    uniform within it with weekends 1.4x as likely; the hour follows a daily curve
 *    (quiet nights, lunch bump, evening peak). `device` (mobile / desktop / tablet)
 *    depends on the hour and the weekday: desktop at weekday working hours, mobile at
 *    night. Interactions are ordered by time.
 */
export function generateSampleDataset(opts: SampleOptions = {}): Dataset {
  const seed = opts.seed ?? 42;
  const nUsers = opts.users ?? 1500;
  const nItems = opts.items ?? 1200;
  const target = opts.interactions ?? 80_000;
  for (const [k, v] of Object.entries({ users: nUsers, items: nItems, interactions: target }))
    if (!Number.isInteger(v) || v < 1) throw new InputError(`sample.${k} must be a positive integer, got ${v}.`, 'SPEC');
  if (target > 0.5 * nUsers * nItems)
    throw new InputError(`sample.interactions (${target}) is more than half of users x items (${nUsers * nItems}); use fewer interactions or more users/items.`, 'SPEC');
  const root = new Rng(seed);
  const itemRng = root.fork(1);
  const userRng = root.fork(2);
  const eventRng = root.fork(3);
  const timeRng = root.fork(4);
  const T = TOPICS.length;
  const K = LATENT_CLUSTERS;

  // 1. Catalogue.
  const itemMain = new Int32Array(nItems);
  const itemSecond = new Int32Array(nItems);
  const itemMainWeight = new Float32Array(nItems);
  const itemLatent = new Float32Array(nItems * K);
  const logPopularity = new Float32Array(nItems);
  const popularityRank = itemRng.shuffle(Array.from({ length: nItems }, (_, k) => k));
  const rankOf = new Int32Array(nItems);
  for (let r = 0; r < nItems; r++) {
    rankOf[popularityRank[r]] = r;
    logPopularity[popularityRank[r]] = -1.2 * Math.log(r + 1);
  }
  const title: AttributeValue[] = [];
  const description: AttributeValue[] = [];
  const category: AttributeValue[] = [];
  const tags: AttributeValue[] = [];
  const price: AttributeValue[] = [];
  const year: AttributeValue[] = [];
  for (let i = 0; i < nItems; i++) {
    const main = pick(itemRng, TOPIC_FREQUENCY);
    const second = itemRng.next() < 0.5 ? (main + 1 + itemRng.int(T - 1)) % T : -1;
    itemMain[i] = main;
    itemSecond[i] = second;
    itemMainWeight[i] = second >= 0 ? 0.75 : 1;
    const cluster = itemRng.int(K);
    for (let k = 0; k < K; k++) itemLatent[i * K + k] = (k === cluster ? 1 : 0) + 0.3 * itemRng.normal();

    const topic = TOPICS[main];
    const w1 = choose(itemRng, topic.words);
    let w2 = choose(itemRng, topic.words);
    while (w2 === w1) w2 = choose(itemRng, topic.words);
    title.push(`${itemRng.next() < 0.4 ? 'The ' : ''}${capitalize(w1)} ${capitalize(w2)} ${choose(itemRng, TITLE_NOUNS)}`);
    const words: string[] = [];
    const length = 12 + itemRng.int(13);
    for (let w = 0; w < length; w++) {
      const x = itemRng.next();
      if (x < 0.5) words.push(choose(itemRng, topic.words));
      else if (x < 0.65) words.push(choose(itemRng, TOPICS[second >= 0 ? second : main].words));
      else words.push(choose(itemRng, GENERIC_WORDS));
    }
    description.push(capitalize(words.join(' ')) + '.');
    category.push(itemRng.next() < 0.95 ? topic.name : TOPICS[itemRng.int(T)].name);
    const itemTags = new Set<string>();
    const nTags = 2 + itemRng.int(3) - (second >= 0 ? 1 : 0);
    while (itemTags.size < nTags) itemTags.add(choose(itemRng, topic.tags));
    if (second >= 0) itemTags.add(choose(itemRng, TOPICS[second].tags));
    if (rankOf[i] < nItems * 0.05 && itemRng.next() < 0.6) itemTags.add('bestseller');
    tags.push([...itemTags]);
    price.push(Math.round(topic.price * Math.exp(0.35 * itemRng.normal()) * 100) / 100);
    year.push(2024 - Math.floor(44 * Math.pow(itemRng.next(), 2)));
  }

  // 2. Users.
  const userPref = new Float32Array(nUsers * T);
  const userLatent = new Float32Array(nUsers * K);
  const activity = new Float64Array(nUsers);
  const age: AttributeValue[] = [];
  const country: AttributeValue[] = [];
  for (let u = 0; u < nUsers; u++) {
    userPref.fill(0.05, u * T, (u + 1) * T);
    const fav = pick(userRng, TOPIC_FREQUENCY);
    userPref[u * T + fav] = 1;
    if (userRng.next() < 0.6) userPref[u * T + ((fav + 1 + userRng.int(T - 1)) % T)] = 0.6;
    const cluster = userRng.int(K);
    for (let k = 0; k < K; k++) userLatent[u * K + k] = (k === cluster ? 1 : 0) + 0.3 * userRng.normal();
    activity[u] = Math.exp(1.0 * userRng.normal());
    age.push(Math.min(75, Math.max(18, Math.round(36 + 12 * userRng.normal()))));
    country.push(COUNTRIES[pick(userRng, COUNTRY_FREQUENCY)]);
  }
  // Interactions per user: log-normal activity, clamped to [5, 40 % of items], scaled
  // (by bisection on the scale) so the clamped counts add up to the target.
  const cap = Math.max(1, Math.floor(0.4 * nItems));
  const floor = Math.min(5, cap);
  const perUser = new Int32Array(nUsers);
  const countsAt = (scale: number): number => {
    let sum = 0;
    for (let u = 0; u < nUsers; u++) sum += perUser[u] = Math.min(cap, Math.max(floor, Math.round(activity[u] * scale)));
    return sum;
  };
  let lo = 0;
  let hi = 1;
  while (countsAt(hi) < target && hi < 1e12) hi *= 2;
  for (let step = 0; step < 60; step++) {
    const mid = (lo + hi) / 2;
    if (countsAt(mid) < target) lo = mid;
    else hi = mid;
  }
  countsAt(hi);
  const sortedCounts = Int32Array.from(perUser).sort();
  const segment: AttributeValue[] = Array.from(perUser, (c) =>
    c <= sortedCounts[Math.floor(nUsers * 0.5)] ? 'casual' : c <= sortedCounts[Math.floor(nUsers * 0.9)] ? 'regular' : 'enthusiast',
  );

  // 3-4. Preference and interactions (Gumbel top-k = sampling without replacement).
  let total = 0;
  for (const c of perUser) total += c;
  const user = new Int32Array(total);
  const item = new Int32Array(total);
  const rating = new Float32Array(total);
  const affinity = new Float64Array(nItems);
  const keys = new Float64Array(nItems);
  const scratch = new Float64Array(nItems);
  const gumbel = gumbelTable();
  let e = 0;
  for (let u = 0; u < nUsers; u++) {
    let sum = 0;
    let sumSq = 0;
    const pref = userPref.subarray(u * T, (u + 1) * T);
    const lat = userLatent.subarray(u * K, (u + 1) * K);
    for (let i = 0; i < nItems; i++) {
      const content = pref[itemMain[i]] * itemMainWeight[i] + (itemSecond[i] >= 0 ? pref[itemSecond[i]] * (1 - itemMainWeight[i]) : 0);
      let latent = 0;
      for (let k = 0; k < K; k++) latent += lat[k] * itemLatent[i * K + k];
      const a = 3 * content + 2 * latent;
      affinity[i] = a;
      sum += a;
      sumSq += a * a;
      keys[i] = a + logPopularity[i] + gumbel[(eventRng.next() * GUMBEL_TABLE_SIZE) | 0];
    }
    const mean = sum / nItems;
    const sd = Math.sqrt(Math.max(1e-9, sumSq / nItems - mean * mean));
    scratch.set(keys);
    const threshold = kthSmallest(scratch, nItems - perUser[u]);
    const bias = 0.4 * eventRng.normal();
    for (let i = 0; i < nItems; i++) {
      if (keys[i] < threshold) continue;
      const z = (affinity[i] - mean) / sd;
      user[e] = u;
      item[e] = i;
      rating[e] = Math.min(5, Math.max(1, Math.round(2.1 + 1.1 * z + bias + 0.6 * eventRng.normal())));
      e++;
    }
  }

  // 5. Time and context.
  const timestamp = new Float64Array(total);
  const deviceOf = new Array<string>(total);
  const spanStart = new Float64Array(nUsers);
  const spanLength = new Float64Array(nUsers);
  for (let u = 0; u < nUsers; u++) {
    spanStart[u] = timeRng.int(300);
    spanLength[u] = Math.max(7, Math.min(365 - spanStart[u], 30 + timeRng.int(335)));
  }
  for (let k = 0; k < total; k++) {
    const u = user[k];
    let day: number;
    let weekday: number;
    for (;;) {
      day = spanStart[u] + timeRng.int(spanLength[u]);
      weekday = (day + 1) % 7; // 2024-01-01 was a Monday: 0 = Sunday.
      const weight = weekday === 0 || weekday === 6 ? 1.4 : 1;
      if (timeRng.next() * 1.4 < weight) break;
    }
    const hour = pick(timeRng, HOUR_WEIGHT);
    timestamp[k] = YEAR_START + day * DAY + hour * 3600 + timeRng.int(3600);
    deviceOf[k] = device(timeRng, hour, weekday === 0 || weekday === 6);
  }
  const order = Array.from({ length: total }, (_, k) => k).sort((a, b) => timestamp[a] - timestamp[b] || a - b);

  return {
    name: 'sample',
    source: `sample:seed=${seed},users=${nUsers},items=${nItems},interactions=${target}`,
    description: 'Synthetic media-shop dataset generated by RecLab: topic content, latent collaborative clusters, long-tailed popularity, daily/weekly time patterns and device context.',
    userIds: Array.from({ length: nUsers }, (_, u) => `u${u + 1}`),
    itemIds: Array.from({ length: nItems }, (_, i) => `i${i + 1}`),
    interactions: {
      user: Int32Array.from(order, (k) => user[k]),
      item: Int32Array.from(order, (k) => item[k]),
      rating: Float32Array.from(order, (k) => rating[k]),
      timestamp: Float64Array.from(order, (k) => timestamp[k]),
      context: { device: order.map((k) => deviceOf[k]) },
    },
    userAttributes: [
      { name: 'age', kind: 'numeric', values: age },
      { name: 'country', kind: 'categorical', values: country },
      { name: 'segment', kind: 'categorical', values: segment },
    ],
    itemAttributes: [
      { name: 'title', kind: 'text', values: title },
      { name: 'description', kind: 'text', values: description },
      { name: 'category', kind: 'categorical', values: category },
      { name: 'tags', kind: 'multi', values: tags },
      { name: 'price', kind: 'numeric', values: price },
      { name: 'year', kind: 'numeric', values: year },
    ],
  };
}
