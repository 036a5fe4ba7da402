import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { fileName, folderOf } from './notebook-tree';
import type { ProblemGroup } from './problems-model';
import type { Problem } from './services';
import { useModels } from './use-model';
import { Icon } from './widgets';
import type { Workbench } from './workbench';

const ROW = 22;
const SEVERITY_ICONS: Record<Problem['severity'], string> = { error: 'error', warning: 'warning', info: 'info' };

type Row = { kind: 'file'; group: ProblemGroup; open: boolean } | { kind: 'problem'; problem: Problem };

/** Where a problem is: `[cell 3, Ln 2, Col 5]`. */
export function problemLocation(p: Problem): string {
  const parts = [p.cellIndex !== undefined ? `cell ${p.cellIndex}` : undefined, p.line !== undefined ? `Ln ${p.line}` : undefined, p.column !== undefined ? `Col ${p.column}` : undefined].filter(Boolean);
  return parts.length ? `[${parts.join(', ')}]` : '';
}

/** Problems of the open notebooks, grouped by file; a click (or Enter) goes to the cell. */
export function ProblemsView({ wb }: { wb: Workbench }) {
  useModels(wb.problems);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const groups = wb.problems.groups();
  const rows = useMemo<Row[]>(
    () => groups.flatMap((group) => [{ kind: 'file' as const, group, open: !collapsed.has(group.resource) }, ...(collapsed.has(group.resource) ? [] : group.problems.map((problem) => ({ kind: 'problem' as const, problem })))]),
    [wb.problems.version, collapsed],
  );
  const [focus, setFocus] = useState(0);
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW, overscan: 10 });

  const toggle = (resource: string) => {
    const next = new Set(collapsed);
    if (!next.delete(resource)) next.add(resource);
    setCollapsed(next);
  };
  const activate = (row: Row | undefined) => {
    if (!row) return;
    if (row.kind === 'file') toggle(row.group.resource);
    else wb.problems.reveal(row.problem);
  };

  if (!groups.length) return <div className="panel-message muted">No problems have been detected in the open notebooks.</div>;
  return (
    <div
      className="list-scroll problems"
      ref={scrollRef}
      tabIndex={0}
      role="tree"
      aria-label="Problems"
      onKeyDown={(e) => {
        if (e.key === 'ArrowDown') setFocus(Math.min(rows.length - 1, focus + 1));
        else if (e.key === 'ArrowUp') setFocus(Math.max(0, focus - 1));
        else if (e.key === 'Enter' || e.key === ' ') activate(rows[focus]);
        else return;
        e.preventDefault();
      }}
    >
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((v) => {
          const row = rows[v.index];
          const cls = `list-row${v.index === focus ? ' focused' : ''}`;
          const style = { transform: `translateY(${v.start}px)`, height: ROW };
          if (row.kind === 'file') {
            const g = row.group;
            return (
              <div key={`f:${g.resource}`} role="treeitem" aria-expanded={row.open} className={`${cls} problem-file`} style={style} onClick={() => (setFocus(v.index), activate(row))} title={g.resource}>
                <span className="twistie">
                  <Icon name={row.open ? 'chevron-down' : 'chevron-right'} />
                </span>
                <Icon name="notebook" className="file-icon" />
                <span className="row-label">{fileName(g.resource)}</span>
                <span className="row-description">{folderOf(g.resource)}</span>
                <span className="count-badge">{g.problems.length}</span>
              </div>
            );
          }
          const p = row.problem;
          return (
            <div key={`p:${v.index}:${p.message}`} role="treeitem" className={`${cls} problem-row`} style={style} onClick={() => (setFocus(v.index), activate(row))} title={`${p.message} ${problemLocation(p)}`} data-severity={p.severity}>
              <Icon name={SEVERITY_ICONS[p.severity]} className={`severity-${p.severity}`} />
              <span className="row-label">{p.message}</span>
              <span className="row-description">
                {p.owner !== 'notebook' ? `${p.owner} ` : ''}
                {problemLocation(p)}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
