import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AttributeValue } from '../../../core/data';
import type { HistoryEntry, RecommendedItem } from '../../../core/export';
import type { RunSummary } from '../../common/api';
import type { EditorProps } from '../workbench/editor-registry';
import { useModels } from '../workbench/use-model';
import { Icon } from '../workbench/widgets';
import { finishedRuns, runLabel } from './finished-runs';
import { InspectorModel, type InspectedRun } from './inspector-model';
import './inspect.css';

/** The run id of a `reclab:inspect/<runId>` resource. */
export function runIdOf(resource: string): string {
  return resource.slice(resource.indexOf('/') + 1);
}

/** Users move under the keys: the list follows, and the user under the cursor shows after a short pause. */
const FOLLOW_MS = 150;

/**
 * The recommendations inspector: a run's users searched by id (arrows and Enter), the
 * chosen user's training history with titles and attributes, the top-K with scores, cold
 * items and test hits marked, the gate of a gated hybrid; a second run beside it for the
 * same user, the items both recommend marked.
 */
export function Inspector({ resource, services, active }: EditorProps) {
  const runId = runIdOf(resource);
  const model = useMemo(() => new InspectorModel(services.api, runId), [services.api, runId]);
  const [runs, setRuns] = useState<RunSummary[]>([]);
  useModels(model);
  useEffect(() => {
    void model.load();
    void finishedRuns(services.api).then(setRuns, () => setRuns([]));
    return () => model.dispose();
  }, [model, services.api]);
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (active) search.current?.focus();
  }, [active, model.main.run]);

  const follow = useRef<ReturnType<typeof setTimeout>>(undefined);
  const move = (delta: number) => {
    model.moveCursor(delta);
    clearTimeout(follow.current);
    follow.current = setTimeout(() => void model.selectCursor(), FOLLOW_MS);
  };
  const onKey = (e: KeyboardEvent) => {
    const keys: Record<string, () => void> = {
      ArrowDown: () => move(1),
      ArrowUp: () => move(-1),
      PageDown: () => move(15),
      PageUp: () => move(-15),
      Enter: () => void model.selectCursor(),
    };
    const act = keys[e.key];
    if (!act) return;
    e.preventDefault();
    act();
  };

  const { main, second } = model;
  const byId = new Map(runs.map((r) => [r.id, r]));
  if (main.error && !main.run) return <div className="inspect-message error" role="alert">{main.error}</div>;
  if (!main.run) return <div className="inspect-message muted">Reading the run…</div>;
  const users = model.users;
  const overlap = model.overlap;
  return (
    <div className="inspector" data-run={runId}>
      <aside className="inspector-users">
        <input
          ref={search}
          className="inspect-input inspector-search"
          placeholder="Search users by id"
          aria-label="Search users by id"
          value={model.query}
          onChange={(e) => void model.search(e.target.value)}
          onKeyDown={onKey}
          spellCheck={false}
        />
        <div className="inspector-count muted">{users ? `${users.total.toLocaleString()} user${users.total === 1 ? '' : 's'}${users.total > users.users.length ? `, first ${users.users.length}` : ''}` : model.usersError ?? ''}</div>
        <div className="inspector-user-list" role="listbox" aria-label="Users" tabIndex={-1}>
          {users?.users.map((u, i) => (
            <div
              key={u.id}
              role="option"
              aria-selected={u.id === model.user}
              data-user={u.id}
              className={`inspector-user${i === model.cursor ? ' cursor' : ''}${u.id === model.user ? ' selected' : ''}`}
              ref={i === model.cursor ? (el) => el?.scrollIntoView({ block: 'nearest' }) : undefined}
              onClick={() => void model.select(u.id)}
            >
              <span className="inspector-user-id">{u.id}</span>
              <span className="muted">
                {u.trainItems} train · {u.testItems} test{u.evaluated ? '' : ' · not evaluated'}
              </span>
            </div>
          ))}
        </div>
      </aside>
      <main className="inspector-main">
        <header className="inspector-header">
          <div className="inspector-title">
            <Icon name="search" />
            <span className="inspector-run-name">{runLabel(byId.get(runId), runId)}</span>
            <span className="muted">
              {main.run.users.toLocaleString()} users · {main.run.items.toLocaleString()} items · {main.run.coldItems.toLocaleString()} cold
              {main.run.source === 'evaluation' ? ' · lists from the evaluation (test users only)' : ''}
            </span>
          </div>
          <div className="inspector-controls">
            <label>
              Top
              <input className="inspect-input inspector-k" type="number" min={1} max={1000} defaultValue={model.k} aria-label="Length of the list" onChange={(e) => void model.setK(Number(e.target.value))} />
            </label>
            <label>
              Beside
              <select className="inspect-input inspector-second" aria-label="Second run" value={second?.runId ?? ''} onChange={(e) => void model.setSecond(e.target.value || undefined)}>
                <option value="">no second run</option>
                {runs
                  .filter((r) => r.id !== runId)
                  .map((r) => (
                    <option key={r.id} value={r.id}>
                      {runLabel(r, r.id)}
                    </option>
                  ))}
              </select>
            </label>
          </div>
        </header>
        {main.run.notes.length > 0 && <div className="inspect-note">{main.run.notes.join(' ')}</div>}
        {!model.user ? (
          <div className="inspect-message muted">Choose a user on the left (type an id, arrows, Enter).</div>
        ) : (
          <div className="inspector-body">
            <section className={`inspector-section inspector-recs-row${second ? ' side-by-side' : ''}`}>
              <RecommendationList side={main} label={second ? runLabel(byId.get(main.runId), main.runId) : undefined} overlap={second ? overlap : undefined} />
              {second && <RecommendationList side={second} label={runLabel(byId.get(second.runId), second.runId)} overlap={overlap} />}
            </section>
            {main.user && <History entries={main.user.history} total={main.user.trainItems} attributes={main.run.attributes.filter((a) => a.kind !== 'text' && a.name !== main.run!.titleColumn).map((a) => a.name)} />}
          </div>
        )}
      </main>
    </div>
  );
}

function formatAttribute(v: AttributeValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(2);
  return String(v);
}

function ItemTitle({ item }: { item: { item: string; title: string | null; cold: boolean; popularity: number } }) {
  return (
    <span className="inspect-item" title={`item ${item.item} · ${item.popularity} training interaction${item.popularity === 1 ? '' : 's'}`}>
      <span className="inspect-item-title">{item.title ?? item.item}</span>
      {item.title && <span className="muted inspect-item-id">{item.item}</span>}
      {item.cold && (
        <span className="inspect-badge cold" title="Cold item: no training interaction; the model knows it from its attributes alone">
          cold
        </span>
      )}
    </span>
  );
}

function GateBar({ gate }: { gate: number }) {
  // The gate is the collaborative branch's weight: the bar's filled part; content is the rest.
  return (
    <span className="gate-cell" title={`collaborative ${(gate * 100).toFixed(0)}% · content ${((1 - gate) * 100).toFixed(0)}%`}>
      <span className="gate-bar">
        <span className="gate-fill" style={{ width: `${(gate * 100).toFixed(1)}%` }} />
      </span>
      <span className="gate-value">{gate.toFixed(2)}</span>
    </span>
  );
}

function RecommendationList({ side, label, overlap }: { side: InspectedRun; label?: string; overlap?: Set<string> }) {
  const u = side.user;
  const hasGate = !!u?.recommendations.some((r) => r.gate !== undefined);
  const hits = u?.recommendations.filter((r) => r.hit).length ?? 0;
  return (
    <div className="inspector-recs" data-side-run={side.runId} aria-busy={side.loading}>
      <h3 className="inspect-heading">
        {label ? <span className="run-label">{label}</span> : <span>Recommendations</span>}
        {u && (
          <span className="muted">
            top {u.recommendations.length} · {hits} test hit{hits === 1 ? '' : 's'}
            {overlap ? ` · ${overlap.size} in both` : ''}
          </span>
        )}
        {side.loading && <Icon name="loading" spin />}
      </h3>
      {u?.note && <div className="inspect-note">{u.note}</div>}
      {!u && side.error && <div className="inspect-message error">{side.error}</div>}
      {!u && !side.error && side.loading && <div className="inspect-message muted">Scoring…</div>}
      {u && (
        <table className="inspect-table recs-table">
          <colgroup>
            <col className="rank" />
            <col />
            <col className="score" />
            {hasGate && <col className="gate" />}
            <col className="marks" />
          </colgroup>
          <thead>
            <tr>
              <th className="num">#</th>
              <th>Item</th>
              <th className="num">Score</th>
              {hasGate && <th title="The gate: the weight of the collaborative branch for this user and item (content has the rest)">Gate (collab.)</th>}
              <th />
            </tr>
          </thead>
          <tbody>
            {u.recommendations.map((r: RecommendedItem) => (
              <tr key={r.item} data-item={r.item} className={`${overlap?.has(r.item) ? 'overlap' : ''}${r.hit ? ' hit' : ''}`}>
                <td className="num muted">{r.rank}</td>
                <td>
                  <ItemTitle item={r} />
                </td>
                <td className="num mono">{r.score.toFixed(3)}</td>
                {hasGate && <td>{r.gate !== undefined && <GateBar gate={r.gate} />}</td>}
                <td className="marks">
                  {r.hit && (
                    <span className="inspect-badge hit" title="A test hit: one of the user's held-out test items">
                      hit
                    </span>
                  )}
                  {overlap?.has(r.item) && (
                    <span className="inspect-badge both" title="Both runs recommend it">
                      both
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function History({ entries, total, attributes }: { entries: HistoryEntry[]; total: number; attributes: string[] }) {
  const shown = attributes.slice(0, 4);
  const hasRating = entries.some((e) => e.rating !== null);
  const hasTime = entries.some((e) => e.timestamp !== null);
  return (
    <section className="inspector-section inspector-history">
      <h3 className="inspect-heading">
        <span>Training history</span>
        <span className="muted">
          {total} item{total === 1 ? '' : 's'}
          {entries.length < total ? `, latest ${entries.length} shown` : ''}
        </span>
      </h3>
      {entries.length === 0 ? (
        <div className="inspect-message muted">No training interaction: a cold user.</div>
      ) : (
        <table className="inspect-table history-table">
          <thead>
            <tr>
              <th>Item</th>
              {shown.map((a) => (
                <th key={a}>{a}</th>
              ))}
              {hasRating && <th className="num">Rating</th>}
              {hasTime && <th>When</th>}
              <th className="num" title="Training interactions of the item">Pop.</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e, i) => (
              <tr key={`${e.item}-${i}`} data-item={e.item}>
                <td>
                  <ItemTitle item={e} />
                </td>
                {shown.map((a) => (
                  <td key={a} className="attr">
                    {formatAttribute(e.attributes[a])}
                  </td>
                ))}
                {hasRating && <td className="num">{e.rating ?? ''}</td>}
                {hasTime && <td className="muted">{e.timestamp !== null ? new Date(e.timestamp * 1000).toISOString().slice(0, 10) : ''}</td>}
                <td className="num muted">{e.popularity}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
