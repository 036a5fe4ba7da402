import { z } from 'zod';
import { InputError } from '../util';
import { formatIssues, parseSpec, SPEC_SECTIONS, type ExperimentSpec } from '../spec';

/** Kinds of notebook cells. Config kinds hold JSON text that becomes one part of the spec. */
export const CELL_KINDS = ['markdown', ...SPEC_SECTIONS] as const;
export type CellKind = (typeof CELL_KINDS)[number];

/** The spec section each config cell kind fills. */
const SECTION_OF: Record<Exclude<CellKind, 'markdown'>, keyof ExperimentSpec> = {
  data: 'data',
  split: 'split',
  features: 'features',
  model: 'model',
  train: 'train',
  evaluate: 'evaluate',
};

export const notebookCellSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(CELL_KINDS),
  source: z.string(),
  outputs: z.array(z.any()).optional(),
});

export const notebookSchema = z.object({
  format: z.literal(1),
  metadata: z
    .object({
      name: z.string().optional(),
      experiment: z.string().optional(),
      seed: z.number().int().optional(),
      tags: z.record(z.string(), z.string()).optional(),
      description: z.string().optional(),
    })
    .default({}),
  cells: z.array(notebookCellSchema),
});

export type NotebookCell = z.infer<typeof notebookCellSchema>;
export type Notebook = z.infer<typeof notebookSchema>;

function describeIssues(err: z.ZodError): string {
  return formatIssues(err).join('; ');
}

/** Parses `.recnb` text; errors name the file and what is wrong. */
export function parseNotebook(text: string, file = 'notebook'): Notebook {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file} is not valid JSON (${(e as Error).message}). A .recnb notebook is a JSON document {"format": 1, "cells": [...]}.`, 'NOTEBOOK_JSON');
  }
  const r = notebookSchema.safeParse(json);
  if (!r.success) throw new InputError(`${file} is not a valid RecLab notebook: ${describeIssues(r.error)}`, 'NOTEBOOK_SCHEMA');
  const ids = new Set<string>();
  for (const c of r.data.cells) {
    if (ids.has(c.id)) throw new InputError(`${file}: two cells have the id '${c.id}'; cell ids must be unique.`, 'NOTEBOOK_SCHEMA');
    ids.add(c.id);
  }
  return r.data;
}

/**
 * Turns a notebook into one experiment spec: each config cell's JSON fills its section;
 * a later cell of the same kind overrides an earlier one (like re-running a cell).
 */
export function notebookToSpec(nb: Notebook, file = 'notebook'): ExperimentSpec {
  const raw: Record<string, unknown> = {
    name: nb.metadata.name,
    experiment: nb.metadata.experiment,
    seed: nb.metadata.seed,
    tags: nb.metadata.tags,
  };
  const cellOf = new Map<PropertyKey, NotebookCell>();
  for (const cell of nb.cells) {
    if (cell.kind === 'markdown') continue;
    cellOf.set(SECTION_OF[cell.kind], cell);
    let value: unknown;
    try {
      value = JSON.parse(cell.source);
    } catch (e) {
      throw new InputError(`${file}, cell '${cell.id}' (${cell.kind}): the source is not valid JSON (${(e as Error).message}).`, 'NOTEBOOK_CELL');
    }
    raw[SECTION_OF[cell.kind]] = value;
  }
  return parseSpec(raw, file, (section) => {
    const cell = cellOf.get(section);
    return cell && `cell '${cell.id}' (${cell.kind})`;
  });
}

/** Validation of a spec lives with its schema; notebooks and the CLI reach it from here too. */
export { parseSpec };

/** Reads either a `.recnb` notebook or a JSON spec, by content (`cells` present → notebook). */
export function specFromText(text: string, file: string): ExperimentSpec {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${file} is not valid JSON (${(e as Error).message}).`, 'SPEC_JSON');
  }
  if (json && typeof json === 'object' && 'cells' in json) return notebookToSpec(parseNotebook(text, file), file);
  return parseSpec(json, file);
}
