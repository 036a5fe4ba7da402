import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { zipSync, strToU8 } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMovieLens100k } from '../../../core/data/movielens';
import { downloadMovieLens100k, ML100K_MD5 } from '../../../core/data/download';

const ML100K = path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'datasets', 'ml-100k');
const haveMl100k = fs.existsSync(path.join(ML100K, 'u.data'));
if (!haveMl100k) console.warn(`MovieLens 100K not at ${ML100K}: its loader tests are skipped.`);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'reclab-ml-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A hand-written miniature in the ML-100K file formats (not MovieLens data). */
const TINY: Record<string, Uint8Array> = {
  'ml-100k/u.data': strToU8('2\t1\t4\t881250949\n1\t2\t3\t881250950\n10\t1\t5\t881250951\n'),
  // latin1 bytes: "Caf\xe9" is "Café".
  'ml-100k/u.item': new Uint8Array(
    Buffer.from('1|Caf\xe9 Story (1994)|01-Jan-1994||http://x|0|0|1\n2|Nameless|||http://y|1|0|0\n3|Unseen (2001)|05-May-2001||http://z|0|1|1\n', 'latin1'),
  ),
  'ml-100k/u.user': strToU8('1|24|M|technician|85711\n2|53|F|other|94043\n10|33|F|writer|00000\n'),
  'ml-100k/u.genre': strToU8('unknown|0\nAction|1\nDrama|2\n\n'),
};

function tinyFolder(name: string, without?: string): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  for (const [f, bytes] of Object.entries(TINY)) if (path.basename(f) !== without) fs.writeFileSync(path.join(dir, path.basename(f)), bytes);
  return dir;
}

describe('loadMovieLens100k on hand-written files', () => {
  it('orders ids numerically, decodes latin1, strips the year, reads genres from u.genre', () => {
    const ds = loadMovieLens100k(tinyFolder('tiny'));
    expect(ds.userIds).toEqual(['1', '2', '10']);
    expect(ds.itemIds).toEqual(['1', '2', '3']);
    expect(Array.from(ds.interactions.user)).toEqual([1, 0, 2]);
    expect(Array.from(ds.interactions.item)).toEqual([0, 1, 0]);
    expect(Array.from(ds.interactions.rating)).toEqual([4, 3, 5]);
    const attr = (name: string) => ds.itemAttributes.find((c) => c.name === name)!.values;
    expect(attr('title')).toEqual(['Café Story', 'Nameless', 'Unseen']);
    expect(attr('genres')).toEqual([['Drama'], ['unknown'], ['Action', 'Drama']]);
    expect(attr('year')).toEqual([1994, null, 2001]);
    expect(ds.userAttributes.map((c) => c.values)).toEqual([
      [24, 53, 33],
      ['M', 'F', 'F'],
      ['technician', 'other', 'writer'],
    ]);
  });

  it('reads the zip with files inside ml-100k/', () => {
    const zip = path.join(tmp, 'tiny.zip');
    fs.writeFileSync(zip, zipSync(TINY));
    const ds = loadMovieLens100k(zip);
    expect(ds.userIds).toEqual(['1', '2', '10']);
    expect(ds.itemAttributes[0].values[0]).toBe('Café Story');
  });

  it('names the missing file when u.data is absent, and the path when nothing is there', () => {
    const dir = tinyFolder('no-data', 'u.data');
    expect(() => loadMovieLens100k(dir)).toThrow(/has no u\.data/);
    expect(() => loadMovieLens100k(dir)).toThrowError(expect.objectContaining({ name: 'InputError' }));
    expect(() => loadMovieLens100k(path.join(tmp, 'nowhere'))).toThrow(/MovieLens 100K not found at .*nowhere/);
  });
});

describe('loadMovieLens100k on a broken u.data', () => {
  /** The tiny folder (or zip) with u.data replaced. */
  const broken = (name: string, udata: string, zip = false): string => {
    if (zip) {
      const file = path.join(tmp, `${name}.zip`);
      fs.writeFileSync(file, zipSync({ ...TINY, 'ml-100k/u.data': strToU8(udata) }));
      return file;
    }
    const dir = tinyFolder(name);
    fs.writeFileSync(path.join(dir, 'u.data'), udata);
    return dir;
  };
  const errorOf = (p: string): { message: string; code: string; details: Record<string, unknown> } => {
    try {
      loadMovieLens100k(p);
    } catch (e) {
      return e as { message: string; code: string; details: Record<string, unknown> };
    }
    throw new Error(`${p} loaded`);
  };

  it('names the file, the line as counted in the file (blank lines too) and the column', () => {
    const dir = broken('bad-rating', '2\t1\t4\t881250949\n\n1\t2\tthree\t881250950\n');
    const file = path.join(dir, 'u.data');
    const e = errorOf(dir);
    expect(e.code).toBe('ML100K_FORMAT');
    expect(e.details).toEqual({ file, line: 3, column: 'rating' });
    expect(e.message).toBe(`${file}, line 3, column 'rating': expected a number, got "three". Each line of u.data is user<TAB>item<TAB>rating<TAB>timestamp.`);
  });

  it('names the first missing field of a short line, an empty id and a timestamp that is not a number', () => {
    expect(errorOf(broken('short', '2\t1\t4\t881250949\n1 2 3 881250950\n')).details).toEqual({ file: path.join(tmp, 'short', 'u.data'), line: 2, column: 'item' });
    expect(errorOf(broken('short', '2\t1\t4\n')).message).toMatch(/line 1, column 'timestamp': missing \(the line has 3 fields/);
    expect(errorOf(broken('no-user', '\t1\t4\t881250949\n')).details).toMatchObject({ line: 1, column: 'user' });
    expect(errorOf(broken('bad-time', '2\t1\t4\tyesterday\n')).details).toMatchObject({ line: 1, column: 'timestamp' });
  });

  it('in a zip, names the zip and the entry', () => {
    const zip = broken('bad-zip', '2\t1\t4\t881250949\n1\t2\t3\n', true);
    expect(errorOf(zip).details).toEqual({ file: `${zip}/ml-100k/u.data`, line: 2, column: 'timestamp' });
  });
});

describe.skipIf(!haveMl100k)('loadMovieLens100k on the real ML-100K', () => {
  it('has 943 users, 1682 items, 100000 ratings with the known first user and item', () => {
    const ds = loadMovieLens100k(ML100K);
    expect(ds.userIds.length).toBe(943);
    expect(ds.itemIds.length).toBe(1682);
    expect(ds.interactions.user.length).toBe(100_000);
    expect(ds.userIds[0]).toBe('1');
    expect(ds.itemIds[0]).toBe('1');
    let user1 = 0;
    for (const u of ds.interactions.user) if (u === 0) user1++;
    expect(user1).toBe(272);
    const attr = (name: string) => ds.itemAttributes.find((c) => c.name === name)!.values;
    expect(attr('title')[0]).toBe('Toy Story');
    expect(attr('genres')[0]).toEqual(expect.arrayContaining(['Animation', "Children's", 'Comedy']));
    expect(attr('year')[0]).toBe(1995);
    expect(ds.userAttributes.find((c) => c.name === 'age')!.values[0]).toBe(24);
    expect(ds.userAttributes.find((c) => c.name === 'occupation')!.values[0]).toBe('technician');
    // The first line of u.data: 196  242  3  881250949.
    expect(ds.userIds[ds.interactions.user[0]]).toBe('196');
    expect(ds.itemIds[ds.interactions.item[0]]).toBe('242');
    expect(ds.interactions.rating[0]).toBe(3);
    expect(ds.interactions.timestamp[0]).toBe(881250949);
  });
});

/** A fetch that serves `body` in chunks, with a Content-Length. */
function fakeFetch(body: Uint8Array, status = 200): typeof fetch {
  return (async () =>
    new Response(
      new ReadableStream({
        start(controller) {
          for (let k = 0; k < body.length; k += 64) controller.enqueue(body.slice(k, k + 64));
          controller.close();
        },
      }),
      { status, headers: { 'content-length': String(body.length) } },
    )) as unknown as typeof fetch;
}

describe('downloadMovieLens100k (injected fetch, never the network)', () => {
  const zip = zipSync(TINY);
  const md5 = createHash('md5').update(zip).digest('hex');

  it('reports progress, checks the MD5, unpacks and returns a loadable folder', async () => {
    const progress: [number, number | undefined][] = [];
    const dir = await downloadMovieLens100k(path.join(tmp, 'dl'), {
      fetchImpl: fakeFetch(zip),
      expectedMd5: md5,
      onProgress: (r, t) => progress.push([r, t]),
    });
    expect(dir).toBe(path.join(tmp, 'dl', 'ml-100k'));
    expect(progress.length).toBe(Math.ceil(zip.length / 64));
    expect(progress[progress.length - 1]).toEqual([zip.length, zip.length]);
    expect(loadMovieLens100k(dir).userIds).toEqual(['1', '2', '10']);
  });

  it('refuses a zip whose MD5 is not the official one and writes nothing', async () => {
    expect(md5).not.toBe(ML100K_MD5);
    const dest = path.join(tmp, 'dl-bad');
    await expect(downloadMovieLens100k(dest, { fetchImpl: fakeFetch(zip) })).rejects.toThrow(new RegExp(`MD5 ${md5}, expected ${ML100K_MD5}`));
    expect(fs.existsSync(dest)).toBe(false);
  });

  it('says the machine appears offline when the host cannot be resolved', async () => {
    const offline = (async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND files.grouplens.org'), { code: 'ENOTFOUND' }) });
    }) as unknown as typeof fetch;
    const err = await downloadMovieLens100k(path.join(tmp, 'dl-off'), { fetchImpl: offline }).catch((e: Error) => e);
    expect((err as Error).name).toBe('InputError');
    expect((err as Error).message).toMatch(/appears to be offline/);
    expect((err as Error).message).toMatch(/data\.path/);
  });

  it('reports an HTTP error status', async () => {
    await expect(downloadMovieLens100k(path.join(tmp, 'dl-404'), { fetchImpl: fakeFetch(new Uint8Array(0), 404) })).rejects.toThrow(/HTTP 404/);
  });
});
