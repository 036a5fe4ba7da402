import { memo, useMemo } from 'react';
import type { NotebookDiagnostic } from './cell-validation';
import { highlightJson } from './json-highlight';

export interface StaticCodeProps {
  source: string;
  diagnostics: readonly NotebookDiagnostic[];
  /** A click puts the cursor there: the 1-based line and column under the pointer. */
  onActivate?(at: { line: number; column: number } | undefined): void;
}

/** The 1-based line and column of a click in a static view (lines are `div[data-line]`). */
function positionAt(e: React.MouseEvent): { line: number; column: number } | undefined {
  const doc = document as Document & { caretRangeFromPoint?(x: number, y: number): Range | null };
  const range = doc.caretRangeFromPoint?.(e.clientX, e.clientY);
  const lineEl = (range?.startContainer.parentElement ?? (e.target as HTMLElement)).closest<HTMLElement>('[data-line]');
  if (!lineEl || !range) return undefined;
  let column = 1;
  const walker = document.createTreeWalker(lineEl, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n === range.startContainer) return { line: Number(lineEl.dataset.line), column: column + range.startOffset };
    column += n.textContent?.length ?? 0;
  }
  return { line: Number(lineEl.dataset.line), column };
}

/**
 * A config cell that is not being edited: its JSON coloured as Monaco colours it, with the
 * diagnostics underlined, in the same font and line height, so switching to the editor
 * does not move anything. Cheap enough for notebooks of many cells.
 */
export const StaticCode = memo(function StaticCode({ source, diagnostics, onActivate }: StaticCodeProps) {
  const lines = useMemo(() => highlightJson(source, diagnostics.flatMap((d) => (d.range ? [d.range] : []))), [source, diagnostics]);
  return (
    <div
      className="static-code"
      onMouseDown={(e) => {
        if (!onActivate || e.button !== 0) return;
        // The editor replaces this view and takes the focus: the browser must not move it elsewhere.
        e.preventDefault();
        onActivate(positionAt(e));
      }}
    >
      {lines.map((segs, i) => (
        <div key={i} className="static-line" data-line={i + 1}>
          {segs.length === 0 ? '\u200b' : segs.map((s, j) => (
            <span key={j} className={`tok-${s.token}${s.error ? ' squiggle-error' : ''}`}>
              {s.text}
            </span>
          ))}
        </div>
      ))}
    </div>
  );
});
