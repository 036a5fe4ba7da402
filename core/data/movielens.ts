import fs from 'node:fs';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { InputError } from '../util';
import type { AttributeValue, Dataset } from './types';

/** The 19 genres of ML-100K in flag order, used when u.genre is absent. */
const DEFAULT_GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];

/** The named files of ML-100K as raw bytes, and where each is, as an error names it. */
interface MovieLensFiles {
  source: string;
  get(name: string): Uint8Array | undefined;
  /** The file's path: in a folder, or the zip's path followed by the entry's. */
  where(name: string): string;
}

/** Reads the named files of ML-100K as raw bytes from a folder or the official zip. */
function readFiles(pathOrZip: string): MovieLensFiles {
  if (!fs.existsSync(pathOrZip))
    throw new InputError(
      `MovieLens 100K not found at ${pathOrZip}. Give the folder holding u.data, u.item and u.user, or ml-100k.zip (\`reclab datasets download ml-100k\` fetches it).`,
      'ML100K_MISSING',
      { path: pathOrZip },
    );
  if (fs.statSync(pathOrZip).isDirectory()) {
    // Accept both the folder itself and its parent holding `ml-100k/`.
    const nested = path.join(pathOrZip, 'ml-100k');
    const dir = !fs.existsSync(path.join(pathOrZip, 'u.data')) && fs.existsSync(path.join(nested, 'u.data')) ? nested : pathOrZip;
    return {
      source: dir,
      get: (name) => {
        const f = path.join(dir, name);
        return fs.existsSync(f) ? new Uint8Array(fs.readFileSync(f)) : undefined;
      },
      where: (name) => path.join(dir, name),
    };
  }
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(new Uint8Array(fs.readFileSync(pathOrZip)), { filter: (f) => /(^|\/)u\.(data|item|user|genre)$/.test(f.name) });
  } catch (e) {
    throw new InputError(`${pathOrZip} is not a readable zip (${(e as Error).message}); give the ml-100k folder or the official ml-100k.zip.`, 'ML100K_ZIP');
  }
  const byBase = new Map<string, { entry: string; bytes: Uint8Array }>();
  for (const [entry, bytes] of Object.entries(entries)) {
    // Prefer `ml-100k/u.data`; fall back to any folder depth.
    const base = path.posix.basename(entry);
    if (!byBase.has(base) || entry === `ml-100k/${base}`) byBase.set(base, { entry, bytes });
  }
  return { source: pathOrZip, get: (name) => byBase.get(name)?.bytes, where: (name) => `${pathOrZip}/${byBase.get(name)?.entry ?? name}` };
}

/** The non-blank lines of a file, each with its line number in the file (1-based, blank lines counted). */
function lines(bytes: Uint8Array, encoding: 'latin1' | 'utf8'): { text: string; line: number }[] {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .toString(encoding)
    .split(/\r?\n/)
    .map((text, k) => ({ text, line: k + 1 }))
    .filter((l) => l.text.trim() !== '');
}

const U_DATA_COLUMNS = ['user', 'item', 'rating', 'timestamp'] as const;

/**
 * One line of u.data as its four fields, checked: ids present, rating and timestamp numbers.
 * A bad line is an error naming the file, the line and the column, as CSV imports name them.
 */
function uDataFields(l: { text: string; line: number }, file: string): string[] {
  const p = l.text.split('\t');
  const bad = (k: number, what: string) =>
    new InputError(`${file}, line ${l.line}, column '${U_DATA_COLUMNS[k]}': ${what}. Each line of u.data is user<TAB>item<TAB>rating<TAB>timestamp.`, 'ML100K_FORMAT', {
      file,
      line: l.line,
      column: U_DATA_COLUMNS[k],
    });
  if (p.length < 4) throw bad(p.length, `missing (the line has ${p.length} field${p.length === 1 ? '' : 's'}, ${JSON.stringify(l.text)})`);
  for (const k of [0, 1]) if (p[k].trim() === '') throw bad(k, 'expected an id, got an empty field');
  for (const k of [2, 3]) if (p[k].trim() === '' || !Number.isFinite(Number(p[k]))) throw bad(k, `expected a number, got ${JSON.stringify(p[k])}`);
  return p;
}

function byNumericId(a: string, b: string): number {
  return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Year from a release date like `01-Jan-1995`, or null. */
function releaseYear(date: string): number | null {
  const m = /(\d{4})\s*$/.exec(date.trim());
  return m ? Number(m[1]) : null;
}

/**
 * Loads MovieLens 100K from a folder holding u.data, u.item, u.user (and u.genre), or
 * from the official `ml-100k.zip` (files inside `ml-100k/`).
 *
 * Ids stay the original strings; dense indices follow the numeric id (user "1" -> 0),
 * over the users of u.user and items of u.item plus any id seen only in u.data. Item
 * attributes: `title` (text, the "(1995)" suffix removed), `genres` (multi, names from
 * u.genre), `year` (numeric, from the release date; null when missing). User
 * attributes: `age` (numeric), `gender`, `occupation` (categorical). u.item is latin1.
 */
export function loadMovieLens100k(pathOrZip: string): Dataset {
  const files = readFiles(pathOrZip);
  const need = (name: string): Uint8Array => {
    const b = files.get(name);
    if (!b)
      throw new InputError(
        `${files.source} has no ${name}: MovieLens 100K needs u.data, u.item and u.user. Point to the unpacked ml-100k folder or to ml-100k.zip.`,
        'ML100K_MISSING',
        { path: files.source, file: name },
      );
    return b;
  };
  const data = lines(need('u.data'), 'utf8');
  const itemLines = lines(need('u.item'), 'latin1');
  const userLines = lines(need('u.user'), 'utf8');
  const genreBytes = files.get('u.genre');
  const genres = genreBytes
    ? lines(genreBytes, 'latin1')
        .map((l) => l.text.split('|'))
        .sort((a, b) => Number(a[1]) - Number(b[1]))
        .map((p) => p[0])
    : DEFAULT_GENRES;

  const raw = data.map((l) => uDataFields(l, files.where('u.data')));
  const itemRows = new Map<string, string[]>();
  for (const l of itemLines) {
    const p = l.text.split('|');
    itemRows.set(p[0], p);
  }
  const userRows = new Map<string, string[]>();
  for (const l of userLines) {
    const p = l.text.split('|');
    userRows.set(p[0], p);
  }

  const userIds = [...new Set([...userRows.keys(), ...raw.map((p) => p[0])])].sort(byNumericId);
  const itemIds = [...new Set([...itemRows.keys(), ...raw.map((p) => p[1])])].sort(byNumericId);
  const userIndex = new Map(userIds.map((id, k) => [id, k]));
  const itemIndex = new Map(itemIds.map((id, k) => [id, k]));

  const n = raw.length;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const rating = new Float32Array(n);
  const timestamp = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const p = raw[k];
    user[k] = userIndex.get(p[0])!;
    item[k] = itemIndex.get(p[1])!;
    rating[k] = Number(p[2]);
    timestamp[k] = Number(p[3]);
  }

  const title: AttributeValue[] = [];
  const genreList: AttributeValue[] = [];
  const year: AttributeValue[] = [];
  for (const id of itemIds) {
    const p = itemRows.get(id);
    if (!p) {
      title.push(null);
      genreList.push(null);
      year.push(null);
      continue;
    }
    const t = (p[1] ?? '').replace(/\s*\(\d{4}\)\s*$/, '').trim();
    title.push(t === '' || t === 'unknown' ? null : t);
    const flags = p.slice(5);
    genreList.push(genres.filter((_, g) => flags[g] === '1'));
    year.push(releaseYear(p[2] ?? ''));
  }
  const age: AttributeValue[] = [];
  const gender: AttributeValue[] = [];
  const occupation: AttributeValue[] = [];
  for (const id of userIds) {
    const p = userRows.get(id);
    const a = p ? Number(p[1]) : NaN;
    age.push(Number.isFinite(a) ? a : null);
    gender.push(p?.[2] || null);
    occupation.push(p?.[3] || null);
  }

  return {
    name: 'ml-100k',
    source: `movielens-100k:${files.source}`,
    description: 'MovieLens 100K: 100,000 ratings (1-5) from 943 users on 1682 movies, GroupLens Research.',
    userIds,
    itemIds,
    interactions: { user, item, rating, timestamp, context: {} },
    userAttributes: [
      { name: 'age', kind: 'numeric', values: age },
      { name: 'gender', kind: 'categorical', values: gender },
      { name: 'occupation', kind: 'categorical', values: occupation },
    ],
    itemAttributes: [
      { name: 'title', kind: 'text', values: title },
      { name: 'genres', kind: 'multi', values: genreList },
      { name: 'year', kind: 'numeric', values: year },
    ],
  };
}

