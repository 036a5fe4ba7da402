import type { AttributeKind, CsvPreview, ImportProgress, MovieLensPreview } from '../../../core/data';
import type { ApiClient, ImportDatasetResult } from '../../common/api';
import { ApiCallError } from '../../common/api-error';
import { ChangeModel } from '../workbench/model';

/** A column's use in an items or users file: an attribute of a kind, or left out. */
export type ColumnUse = AttributeKind | 'skip';

/** One CSV file of the form: its path, what its preview showed, and the reading options. */
export interface FileForm<P = CsvPreview> {
  path: string;
  preview?: P;
  /** A path that is not one CSV file (a folder, a MovieLens folder) or cannot be read; file, line and column when a file is broken. */
  error?: ImportFailure;
  loading: boolean;
}

/** An items or users file: its id column and what each other column becomes. */
export interface EntityForm extends FileForm {
  id: string;
  uses: Record<string, ColumnUse>;
  listSeparator: string;
}

export interface InteractionsForm extends FileForm {
  user: string;
  item: string;
  rating: string;
  timestamp: string;
}

/** Where a failed import stopped: the host's message and, for a file's error, file, line and column. */
export interface ImportFailure {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: string;
}

export type ImportState = { kind: 'idle' } | { kind: 'running'; progress?: ImportProgress } | { kind: 'done'; result: ImportDatasetResult } | { kind: 'failed'; failure: ImportFailure };

const emptyFile = <P,>(): FileForm<P> => ({ path: '', loading: false });

/** The CSV mapping (README "CSV import mapping") the form describes; paths as typed (absolute or workspace-relative). */
export function csvMapping(interactions: InteractionsForm, items?: EntityForm, users?: EntityForm): Record<string, unknown> {
  const columns: Record<string, string> = { user: interactions.user, item: interactions.item };
  if (interactions.rating) columns.rating = interactions.rating;
  if (interactions.timestamp) columns.timestamp = interactions.timestamp;
  const entity = (e: EntityForm) => ({
    path: e.path,
    id: e.id,
    ...(e.listSeparator ? { listSeparator: e.listSeparator } : {}),
    attributes: Object.fromEntries(Object.entries(e.uses).filter(([col, use]) => use !== 'skip' && col !== e.id)),
  });
  return {
    interactions: { path: interactions.path, columns },
    ...(items?.path && items.preview ? { items: entity(items) } : {}),
    ...(users?.path && users.preview ? { users: entity(users) } : {}),
  };
}

/** What still keeps the import from starting, or undefined when it can start. */
export function missingFor(kind: 'csv' | 'movielens', name: string, form: { movielens: FileForm<MovieLensPreview>; interactions: InteractionsForm; items: EntityForm; users: EntityForm }): string | undefined {
  if (!name.trim()) return 'Name the dataset.';
  // A preview that failed says why above the button: point there rather than ask for a path again.
  if (kind === 'movielens') return form.movielens.preview ? undefined : form.movielens.error ? 'The folder or zip could not be read (see above): fix it and preview again.' : 'Give the path of a MovieLens 100K folder or zip and preview it.';
  const i = form.interactions;
  if (!i.preview) return i.error ? 'The interactions file could not be read (see above): fix it and preview again.' : 'Give the path of the interactions CSV file and preview it.';
  if (!i.user || !i.item) return 'Choose the user and the item columns of the interactions.';
  for (const [label, e] of [['items', form.items], ['users', form.users]] as const) if (e.path && e.preview && !e.id) return `Choose the id column of the ${label} file.`;
  return undefined;
}

/** The failure of an import or a preview as the form shows it (file, line and column from the host's details). */
export function importFailure(e: unknown): ImportFailure {
  const err = e as Error;
  const details = e instanceof ApiCallError ? e.details : undefined;
  return {
    code: e instanceof ApiCallError ? e.code : 'ERROR',
    message: err.message,
    file: typeof details?.file === 'string' ? details.file : undefined,
    line: typeof details?.line === 'number' ? details.line : undefined,
    column: typeof details?.column === 'string' ? details.column : typeof details?.column === 'number' ? String(details.column) : undefined,
  };
}

/**
 * The dataset import form without its DOM: MovieLens 100K (a folder or zip) or CSV files
 * through a mapping, each file previewed (first rows, columns with inferred kinds and the
 * suggested roles), then the import with its progress, and its result or the error naming
 * file, line and column (the host registers nothing then).
 */
export class DatasetImportModel extends ChangeModel {
  kind: 'csv' | 'movielens' = 'csv';
  name = '';
  replace = false;
  readonly movielens: FileForm<MovieLensPreview> = emptyFile();
  readonly interactions: InteractionsForm = { ...emptyFile<CsvPreview>(), user: '', item: '', rating: '', timestamp: '' };
  readonly items: EntityForm = { ...emptyFile<CsvPreview>(), id: '', uses: {}, listSeparator: '|' };
  readonly users: EntityForm = { ...emptyFile<CsvPreview>(), id: '', uses: {}, listSeparator: '|' };
  private _state: ImportState = { kind: 'idle' };

  constructor(private readonly api: ApiClient) {
    super();
    const off = api.on('datasets.importProgress', (p) => {
      if (this._state.kind === 'running' && p.name === this.name.trim()) {
        this._state = { kind: 'running', progress: p };
        this.changed();
      }
    });
    this.disposables.push({ dispose: off });
  }

  get state(): ImportState {
    return this._state;
  }

  get missing(): string | undefined {
    return missingFor(this.kind, this.name, this);
  }

  /** Any edit of the form: the fields are plain, the model says they changed. */
  update(edit: (m: this) => void): void {
    edit(this);
    this.changed();
  }

  /** A new path: what was previewed for the old one no longer applies (the file drops out of the mapping until previewed). */
  setPath(which: 'movielens' | 'interactions' | 'items' | 'users', path: string): void {
    const f: FileForm<unknown> = this[which];
    f.path = path;
    f.preview = undefined;
    f.error = undefined;
    this.changed();
  }

  async previewMovieLens(): Promise<void> {
    const f = this.movielens;
    await this.previewInto(f, async () => {
      const p = await this.api.call('datasets.preview', { path: f.path.trim(), rows: 20 });
      if (p.kind !== 'movielens') throw new Error(p.kind === 'csv' ? 'This is a CSV file: choose "CSV files" to import it through a mapping.' : `No MovieLens 100K files (u.data, u.item, u.user) in ${p.path}.`);
      f.preview = p;
      if (!this.name) this.name = 'ml-100k';
    });
  }

  /** Reads a CSV file's first rows and fills the form with what they suggest. */
  async previewCsv(which: 'interactions' | 'items' | 'users'): Promise<void> {
    const f = this[which];
    await this.previewInto(f, async () => {
      const p = await this.api.call('datasets.preview', { path: f.path.trim(), rows: 8 });
      if (p.kind !== 'csv') throw new Error(p.kind === 'folder' ? `A folder: give one of its files (${p.files.map((x) => x.name).join(', ') || 'none is CSV'}).` : 'A MovieLens 100K folder or zip: choose "MovieLens 100K" to import it.');
      f.preview = p;
      const names = p.columns.map((c) => c.name);
      if (which === 'interactions') {
        const i = this.interactions;
        i.user = p.suggested.user ?? names[0] ?? '';
        i.item = p.suggested.item ?? names[1] ?? '';
        i.rating = p.suggested.rating ?? '';
        i.timestamp = p.suggested.timestamp ?? '';
        if (!this.name) this.name = fileStem(f.path);
      } else {
        const e = this[which];
        const role = which === 'items' ? p.suggested.item : p.suggested.user;
        e.id = role ?? names[0] ?? '';
        e.uses = Object.fromEntries(p.columns.filter((c) => c.name !== e.id).map((c) => [c.name, c.kind]));
      }
    });
  }

  async import(): Promise<void> {
    if (this.missing || this._state.kind === 'running') return;
    const name = this.name.trim();
    this._state = { kind: 'running' };
    this.changed();
    try {
      const source = this.kind === 'movielens' ? { movielens: this.movielens.path.trim() } : { csv: csvMapping(this.interactions, this.items, this.users) };
      const result = await this.api.call('datasets.import', { name, source, replace: this.replace });
      this._state = { kind: 'done', result };
    } catch (e) {
      this._state = { kind: 'failed', failure: importFailure(e) };
    }
    this.changed();
  }

  private async previewInto(f: FileForm<unknown>, read: () => Promise<void>): Promise<void> {
    if (!f.path.trim()) return;
    f.loading = true;
    f.error = undefined;
    f.preview = undefined;
    this.changed();
    try {
      await read();
    } catch (e) {
      f.error = importFailure(e);
    }
    f.loading = false;
    this.changed();
  }
}

/** `ratings` from `data/ratings.csv`: a first guess at the dataset's name. */
export function fileStem(p: string): string {
  const base = p.trim().split(/[\\/]/).pop() ?? '';
  return base.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '-') || 'dataset';
}
