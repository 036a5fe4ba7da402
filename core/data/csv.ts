import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../util';
import type { CsvImportSpec } from '../spec';
import type { AttributeColumn, AttributeKind, AttributeValue, Dataset } from './types';

/** Delimiters tried by detection, in order of preference on a tie. */
const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;

/** A parsed CSV file: column names, rows of raw strings, and the 1-based line where each row starts. */
export interface CsvTable {
  file: string;
  delimiter: string;
  /** Column names; `"1"`, `"2"`, ... (1-based positions) when the file has no header. */
  columns: string[];
  hasHeader: boolean;
  rows: string[][];
  /** `lines[r]` is the line number (1-based, in the file) where row `r` starts. */
  lines: number[];
}

/** Options of {@link readCsvTable}; absent values are detected. */
export interface CsvReadOptions {
  delimiter?: string;
  header?: boolean;
  /** A list separator is never taken for the field delimiter during detection. */
  listSeparator?: string;
}

/**
 * Splits CSV text into records (RFC 4180): quoted fields may hold delimiters, line
 * breaks and doubled quotes. Blank lines are skipped. `file` is used in error messages.
 */
export function parseCsv(text: string, delimiter: string, file = '<csv>'): { rows: string[][]; lines: number[] } {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r')
    throw new InputError(`${file}: delimiter ${JSON.stringify(delimiter)} must be one character other than a quote or line break.`, 'CSV_DELIMITER');
  const rows: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  while (i < n) {
    // Blank line: skip, it is not a record.
    if (text[i] === '\n' || text[i] === '\r') {
      if (text[i] === '\r' && text[i + 1] === '\n') i++;
      i++;
      line++;
      continue;
    }
    const startLine = line;
    const record: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= n) throw new InputError(`${file}, line ${quoteLine}: a quoted field is never closed; add the closing '"'.`, 'CSV_QUOTE', { file, line: quoteLine });
          const c = text[i];
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r')
          throw new InputError(
            `${file}, line ${line}, column ${record.length + 1}: unexpected ${JSON.stringify(text[i])} after a closing quote; quotes inside a quoted field are written '""'.`,
            'CSV_QUOTE',
            { file, line, column: record.length + 1 },
          );
      } else {
        const start = i;
        while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') i++;
        field = text.slice(start, i);
      }
      record.push(field);
      if (i < n && text[i] === delimiter) {
        i++;
        continue;
      }
      // End of record: line break or end of text.
      if (text[i] === '\r' && text[i + 1] === '\n') i++;
      if (i < n) {
        i++;
        line++;
      }
      break;
    }
    rows.push(record);
    lines.push(startLine);
  }
  return { rows, lines };
}

/** Counts delimiter candidates outside quotes on each of the first lines of `text`. */
function countPerLine(text: string, candidate: string, maxLines: number): number[] {
  const counts: number[] = [];
  let inQuotes = false;
  let count = 0;
  let nonEmpty = false;
  for (let i = 0; i < text.length && counts.length < maxLines; i++) {
    const c = text[i];
    if (c === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (c === '\n' || c === '\r')) {
      if (nonEmpty) counts.push(count);
      count = 0;
      nonEmpty = false;
      continue;
    } else if (!inQuotes && c === candidate) count++;
    nonEmpty = true;
  }
  if (nonEmpty && counts.length < maxLines) counts.push(count);
  return counts;
}

/**
 * Picks the delimiter among `, ; \t |` that splits the first lines into the same,
 * largest number of fields. Consistency wins over count, so a `|` used inside list
 * fields of a comma file (MovieLens genres) is not taken for the delimiter.
 */
export function detectDelimiter(text: string, exclude?: string): string {
  let best: string = ',';
  let bestScore = -1;
  let bestMode = 0;
  for (const cand of CANDIDATE_DELIMITERS) {
    if (cand === exclude) continue;
    const counts = countPerLine(text, cand, 50);
    if (counts.length === 0) continue;
    const freq = new Map<number, number>();
    for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 0;
    let modeFreq = 0;
    for (const [c, f] of freq) if (c > 0 && (f > modeFreq || (f === modeFreq && c > mode))) [mode, modeFreq] = [c, f];
    if (mode === 0) continue;
    const score = modeFreq / counts.length;
    if (score > bestScore || (score === bestScore && mode > bestMode)) [best, bestScore, bestMode] = [cand, score, mode];
  }
  return best;
}

function isNumber(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

/**
 * A first row is a header when none of its fields is a number or empty, and it is not
 * just one more data row: some column is numeric below it, or the file has one row,
 * or its values do not reappear in the next rows.
 */
export function detectHeader(rows: string[][]): boolean {
  if (rows.length === 0) return false;
  const first = rows[0];
  if (first.some((f) => f.trim() === '' || isNumber(f))) return false;
  if (rows.length === 1) return true;
  const next = rows.slice(1, 21);
  for (let c = 0; c < first.length; c++) if (next.some((r) => r[c] !== undefined && isNumber(r[c]))) return true;
  // All text: a header's names do not repeat as values in the same column.
  return !first.some((f, c) => next.some((r) => r[c] === f));
}

/** Reads a CSV file into a {@link CsvTable}; checks for missing/empty files, duplicate names and ragged rows. */
export function readCsvTable(file: string, opts: CsvReadOptions = {}): CsvTable {
  if (!fs.existsSync(file)) throw new InputError(`CSV file not found: ${file}. Check the path (relative paths are resolved from the notebook's folder).`, 'CSV_MISSING', { file });
  if (fs.statSync(file).isDirectory()) throw new InputError(`${file} is a folder; give the path of a CSV file.`, 'CSV_MISSING', { file });
  const text = fs.readFileSync(file, 'utf8');
  if (text.replace(/^\ufeff/, '').trim() === '') throw new InputError(`CSV file is empty: ${file}.`, 'CSV_EMPTY', { file });
  const delimiter = opts.delimiter ?? detectDelimiter(text.slice(0, 64 * 1024), opts.listSeparator);
  const { rows, lines } = parseCsv(text, delimiter, file);
  const hasHeader = opts.header ?? detectHeader(rows);
  let columns: string[];
  if (hasHeader) {
    columns = rows[0].map((c) => c.trim());
    const seen = new Map<string, number>();
    columns.forEach((c, j) => {
      if (seen.has(c))
        throw new InputError(`${file}, line ${lines[0]}: column name '${c}' appears twice (columns ${seen.get(c)! + 1} and ${j + 1}); rename one.`, 'CSV_DUPLICATE_COLUMN', { file, column: c });
      seen.set(c, j);
    });
    rows.shift();
    lines.shift();
  } else {
    columns = rows[0].map((_, j) => String(j + 1));
  }
  for (let r = 0; r < rows.length; r++) {
    if (rows[r].length !== columns.length)
      throw new InputError(
        `${file}, line ${lines[r]}: ${rows[r].length} fields where the ${hasHeader ? 'header has' : 'first line has'} ${columns.length} (delimiter ${JSON.stringify(delimiter)}); quote fields that contain the delimiter.`,
        'CSV_RAGGED',
        { file, line: lines[r], expected: columns.length, actual: rows[r].length },
      );
  }
  if (rows.length === 0) throw new InputError(`CSV file ${file} has a header but no data rows.`, 'CSV_EMPTY', { file });
  return { file, delimiter, columns, hasHeader, rows, lines };
}

/** Index of column `name` in `table`, or an InputError listing the columns that exist. */
export function columnIndex(table: CsvTable, name: string, role: string): number {
  const j = table.columns.indexOf(name);
  if (j < 0)
    throw new InputError(
      `${table.file}: no column '${name}' (wanted as ${role}). Columns are: ${table.columns.map((c) => `'${c}'`).join(', ')}${table.hasHeader ? '' : ' (the file has no header, so columns are numbered from 1)'}.`,
      'CSV_COLUMN',
      { file: table.file, column: name, columns: table.columns },
    );
  return j;
}

/**
 * Unix seconds from a cell: a number is taken as seconds (above 1e11, as milliseconds);
 * anything else must be a date `Date.parse` reads (ISO 8601; a date without a zone is UTC).
 */
export function parseTimestamp(raw: string): number | undefined {
  const s = raw.trim();
  if (s === '') return NaN;
  if (isNumber(s)) {
    const v = Number(s);
    return Math.abs(v) > 1e11 ? v / 1000 : v;
  }
  const ms = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s}T00:00:00Z` : s);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

function cellError(table: CsvTable, r: number, j: number, what: string, code: string): InputError {
  const column = table.columns[j];
  const value = table.rows[r][j];
  return new InputError(`${table.file}, line ${table.lines[r]}, column '${column}': ${what}, got ${JSON.stringify(value)}.`, code, {
    file: table.file,
    line: table.lines[r],
    column,
    value,
  });
}

/** Converts one cell to an attribute value of `kind`; empty cells are missing (null). */
function attributeValue(table: CsvTable, r: number, j: number, kind: AttributeKind, listSeparator: string): AttributeValue {
  const raw = table.rows[r][j];
  const s = raw.trim();
  if (s === '') return null;
  switch (kind) {
    case 'numeric': {
      if (!isNumber(s)) throw cellError(table, r, j, 'expected a number', 'CSV_NUMBER');
      return Number(s);
    }
    case 'timestamp': {
      const t = parseTimestamp(s);
      if (t === undefined) throw cellError(table, r, j, 'expected unix seconds or an ISO date', 'CSV_TIMESTAMP');
      return t;
    }
    case 'multi':
      return s
        .split(listSeparator)
        .map((v) => v.trim())
        .filter((v) => v !== '');
    default:
      return raw;
  }
}

/**
 * Kind of an attribute column whose kind the spec leaves out: numeric when every
 * non-empty value is a number, multi when values contain the list separator, text when
 * values are long or mostly distinct, else categorical.
 */
export function inferAttributeKind(values: string[], listSeparator: string | undefined): AttributeKind {
  const present = values.map((v) => v.trim()).filter((v) => v !== '');
  if (present.length === 0) return 'categorical';
  if (present.every(isNumber)) return 'numeric';
  if (listSeparator && present.some((v) => v.includes(listSeparator))) return 'multi';
  const distinct = new Set(present).size;
  const meanLength = present.reduce((a, v) => a + v.length, 0) / present.length;
  if (meanLength > 30 || (distinct > 50 && distinct > 0.5 * present.length)) return 'text';
  return 'categorical';
}

/** Reads one file of a mapping as a table; importers that show progress pass tables they read beforehand. */
export type CsvTableReader = (file: string, opts: CsvReadOptions) => CsvTable;

type EntityFile = NonNullable<CsvImportSpec['items']>;
type LongAttributeFile = NonNullable<CsvImportSpec['itemAttributes']>[number];

/** Reads an items/users attribute file: ids in file order and typed columns aligned with them. */
function readEntityFile(spec: EntityFile, baseDir: string, role: 'item' | 'user', readTable: CsvTableReader): { ids: string[]; columns: AttributeColumn[] } {
  const listSeparator = spec.listSeparator ?? '|';
  const table = readTable(path.resolve(baseDir, spec.path), { delimiter: spec.delimiter, header: spec.header, listSeparator: spec.listSeparator });
  const idCol = columnIndex(table, spec.id, `${role} id`);
  const kinds: [string, AttributeKind][] = spec.attributes
    ? Object.entries(spec.attributes)
    : table.columns
        .filter((_, j) => j !== idCol)
        .map((c) => [c, inferAttributeKind(table.rows.map((row) => row[table.columns.indexOf(c)]), spec.listSeparator)]);
  const indices = kinds.map(([name]) => columnIndex(table, name, `${role} attribute`));
  const ids: string[] = [];
  const seen = new Map<string, number>();
  const columns: AttributeColumn[] = kinds.map(([name, kind]) => ({ name, kind, values: [] }));
  for (let r = 0; r < table.rows.length; r++) {
    const id = table.rows[r][idCol].trim();
    if (id === '') throw cellError(table, r, idCol, `${role === 'item' ? 'an' : 'a'} ${role} id is required`, 'CSV_ID');
    if (seen.has(id))
      throw new InputError(
        `${table.file}, line ${table.lines[r]}: ${role} id '${id}' appears again (first on line ${table.lines[seen.get(id)!]}); the ${role}s file needs one row per ${role}. ` +
          `A file with several rows per ${role} (one per tag, say) goes under "${role}Attributes", which gathers its rows into one attribute (README, "CSV import mapping").`,
        'CSV_DUPLICATE_ID',
        {
          file: table.file,
          line: table.lines[r],
          value: id,
        },
      );
    seen.set(id, r);
    ids.push(id);
    for (let a = 0; a < columns.length; a++) columns[a].values.push(attributeValue(table, r, indices[a], columns[a].kind, listSeparator));
  }
  return { ids, columns };
}

/** A long file's rows grouped by id: the non-empty values of each id, in file order. */
interface GatheredValues {
  name: string;
  kind: 'multi' | 'text';
  file: string;
  byId: Map<string, string[]>;
}

/**
 * Reads a long attribute file (several rows per item or user, e.g. one per tag): groups the
 * `column` values by `id`. Empty cells add nothing; with a `listSeparator`, each cell is
 * also split on it.
 */
function readLongAttribute(spec: LongAttributeFile, baseDir: string, role: 'item' | 'user', readTable: CsvTableReader): GatheredValues {
  const table = readTable(path.resolve(baseDir, spec.path), { delimiter: spec.delimiter, header: spec.header, listSeparator: spec.listSeparator });
  const idCol = columnIndex(table, spec.id, `${role} id`);
  const valueCol = columnIndex(table, spec.column, `${role} attribute`);
  const byId = new Map<string, string[]>();
  for (let r = 0; r < table.rows.length; r++) {
    const id = table.rows[r][idCol].trim();
    if (id === '') throw cellError(table, r, idCol, `${role === 'item' ? 'an' : 'a'} ${role} id is required`, 'CSV_ID');
    const cell = table.rows[r][valueCol].trim();
    const values = (spec.listSeparator ? cell.split(spec.listSeparator) : [cell]).map((v) => v.trim()).filter((v) => v !== '');
    let list = byId.get(id);
    if (!list) byId.set(id, (list = []));
    list.push(...values);
  }
  return { name: spec.as ?? spec.column, kind: spec.kind, file: table.file, byId };
}

/** The gathered values as a column over `ids`: distinct values (multi) or values joined by spaces (text); null for ids without rows. */
function gatheredColumn(g: GatheredValues, ids: string[]): AttributeColumn {
  const values = ids.map((id): AttributeValue => {
    const list = g.byId.get(id);
    if (!list || list.length === 0) return null;
    return g.kind === 'multi' ? [...new Set(list)] : list.join(' ');
  });
  return { name: g.name, kind: g.kind, values };
}

/** Refuses two attributes of one entity under the same name (the second would hide the first). */
function checkAttributeNames(columns: { name: string; from: string }[], role: 'item' | 'user'): void {
  const seen = new Map<string, string>();
  for (const { name, from } of columns) {
    const first = seen.get(name);
    if (first !== undefined)
      throw new InputError(`two ${role} attributes are named '${name}' (from ${first} and from ${from}); give one another name with "as".`, 'CSV_DUPLICATE_ATTRIBUTE', { column: name });
    seen.set(name, from);
  }
}

/** Dense index of an id, adding it at the end the first time it is seen. */
function internId(id: string, index: Map<string, number>, ids: string[]): number {
  let k = index.get(id);
  if (k === undefined) {
    k = ids.length;
    index.set(id, k);
    ids.push(id);
  }
  return k;
}

/**
 * Imports a dataset from CSV files described by `spec` (paths relative to `baseDir`).
 *
 * Dense indices: entities of the items/users file first, in file order (so items with
 * no interactions are kept as cold items), then ids seen only in the interactions, then
 * ids seen only in long attribute files (`itemAttributes` / `userAttributes`), each in
 * order of first appearance; attributes an entity has no row for are null. A long file's
 * rows are gathered by id into one `multi` (distinct values, in order of first appearance)
 * or `text` (values joined by spaces, in file order) attribute. Ratings and timestamps are NaN
 * where the mapping has no such column or the cell is empty; context cells are strings
 * (null when empty). Every error is an InputError naming file, line, column and value.
 */
export function importCsvDataset(spec: CsvImportSpec, baseDir: string, name?: string, readTable: CsvTableReader = readCsvTable): Dataset {
  const items = spec.items ? readEntityFile(spec.items, baseDir, 'item', readTable) : { ids: [], columns: [] };
  const users = spec.users ? readEntityFile(spec.users, baseDir, 'user', readTable) : { ids: [], columns: [] };
  const itemIndex = new Map(items.ids.map((id, k) => [id, k]));
  const userIndex = new Map(users.ids.map((id, k) => [id, k]));

  const ispec = spec.interactions;
  const table = readTable(path.resolve(baseDir, ispec.path), { delimiter: ispec.delimiter, header: ispec.header, listSeparator: ispec.listSeparator });
  const map = ispec.columns;
  const userCol = columnIndex(table, map.user, 'user');
  const itemCol = columnIndex(table, map.item, 'item');
  const ratingCol = map.rating !== undefined ? columnIndex(table, map.rating, 'rating') : -1;
  const timeCol = map.timestamp !== undefined ? columnIndex(table, map.timestamp, 'timestamp') : -1;
  const contextCols = (map.context ?? []).map((c) => columnIndex(table, c, 'context'));

  const n = table.rows.length;
  const user = new Int32Array(n);
  const item = new Int32Array(n);
  const rating = new Float32Array(n).fill(NaN);
  const timestamp = new Float64Array(n).fill(NaN);
  const context: Record<string, (string | null)[]> = {};
  for (const c of map.context ?? []) context[c] = new Array<string | null>(n);
  for (let r = 0; r < n; r++) {
    const row = table.rows[r];
    const u = row[userCol].trim();
    const i = row[itemCol].trim();
    if (u === '') throw cellError(table, r, userCol, 'a user id is required', 'CSV_ID');
    if (i === '') throw cellError(table, r, itemCol, 'an item id is required', 'CSV_ID');
    user[r] = internId(u, userIndex, users.ids);
    item[r] = internId(i, itemIndex, items.ids);
    if (ratingCol >= 0) {
      const s = row[ratingCol].trim();
      if (s !== '') {
        if (!isNumber(s)) throw cellError(table, r, ratingCol, 'expected a numeric rating', 'CSV_NUMBER');
        rating[r] = Number(s);
      }
    }
    if (timeCol >= 0) {
      const t = parseTimestamp(row[timeCol]);
      if (t === undefined) throw cellError(table, r, timeCol, 'expected unix seconds or an ISO date', 'CSV_TIMESTAMP');
      timestamp[r] = t;
    }
    for (let c = 0; c < contextCols.length; c++) {
      const v = row[contextCols[c]].trim();
      context[map.context![c]][r] = v === '' ? null : v;
    }
  }
  const longItems = (spec.itemAttributes ?? []).map((f) => readLongAttribute(f, baseDir, 'item', readTable));
  const longUsers = (spec.userAttributes ?? []).map((f) => readLongAttribute(f, baseDir, 'user', readTable));
  checkAttributeNames([...items.columns.map((c) => ({ name: c.name, from: spec.items!.path })), ...longItems.map((g) => ({ name: g.name, from: g.file }))], 'item');
  checkAttributeNames([...users.columns.map((c) => ({ name: c.name, from: spec.users!.path })), ...longUsers.map((g) => ({ name: g.name, from: g.file }))], 'user');
  for (const g of longItems) for (const id of g.byId.keys()) internId(id, itemIndex, items.ids);
  for (const g of longUsers) for (const id of g.byId.keys()) internId(id, userIndex, users.ids);
  // Ids seen only in interactions or long files get null attributes.
  for (const col of items.columns) while (col.values.length < items.ids.length) col.values.push(null);
  for (const col of users.columns) while (col.values.length < users.ids.length) col.values.push(null);
  items.columns.push(...longItems.map((g) => gatheredColumn(g, items.ids)));
  users.columns.push(...longUsers.map((g) => gatheredColumn(g, users.ids)));

  return {
    name: name ?? path.basename(ispec.path).replace(/\.[^.]*$/, ''),
    source: `csv:${path.resolve(baseDir, ispec.path)}`,
    userIds: users.ids,
    itemIds: items.ids,
    interactions: { user, item, rating, timestamp, context },
    userAttributes: users.columns,
    itemAttributes: items.columns,
  };
}
