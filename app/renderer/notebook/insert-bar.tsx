import { CELL_KINDS, type CellKind } from '../../../core/notebook';

/**
 * Between cells (and after the last): add a markdown cell, or a config cell of a chosen
 * kind, at that place.
 */
export function InsertBar({ onInsert, label }: { onInsert(kind: CellKind): void; label: string }) {
  return (
    <div className="insert-bar" aria-label={label}>
      <button type="button" className="insert-button" onClick={() => onInsert('markdown')}>
        <span className="codicon codicon-add" aria-hidden /> Markdown
      </button>
      <select
        className="insert-button"
        aria-label="Add a config cell"
        value=""
        onChange={(e) => {
          if (e.target.value) onInsert(e.target.value as CellKind);
        }}
      >
        <option value="">+ Config cell…</option>
        {CELL_KINDS.filter((k) => k !== 'markdown').map((k) => (
          <option key={k} value={k}>
            {k}
          </option>
        ))}
      </select>
    </div>
  );
}
