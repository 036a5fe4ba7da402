import type { EvaluateOutput as EvaluateOutputValue } from '../../../../core/experiment';
import { formatInt, formatMetric } from './format';

/** `ndcg@10` -> ['ndcg', 10]; scalar metrics have no K. */
function splitKey(key: string): [string, number | undefined] {
  const at = key.lastIndexOf('@');
  return at < 0 ? [key, undefined] : [key.slice(0, at), Number(key.slice(at + 1))];
}

/** `items:cold` -> `items: cold`, `users:activity[4-15]` -> `users: activity 4–15`. */
function segmentLabel(segment: string): string {
  return segment.replace(':', ': ').replace(/\[(\d+)-(\d+)\]/, ' $1–$2').replace(/\[(\d+)\+\]/, ' $1+');
}

/**
 * The evaluate cell's output: metrics by K (metric rows, K columns), the scalar metrics,
 * and the table of segments (warm/cold items, user activity, popularity, users with no
 * history) on the metric the notebook optimises, plus any warnings.
 */
export function EvaluateOutput({ value, metric = 'ndcg@10' }: { value: EvaluateOutputValue; metric?: string }) {
  const overall = value.segments.overall ?? {};
  const names: string[] = [];
  const scalars: [string, number][] = [];
  for (const [key, v] of Object.entries(overall)) {
    const [name, k] = splitKey(key);
    if (k === undefined) scalars.push([key, v]);
    else if (!names.includes(name)) names.push(name);
  }
  const ks = [...value.ks].sort((a, b) => a - b);
  const [, metricK] = splitKey(metric);
  const k = metricK ?? ks[Math.min(1, ks.length - 1)];
  const segCols = [`ndcg@${k}`, `recall@${k}`, `hit@${k}`];
  if (!segCols.includes(metric)) segCols.unshift(metric);
  const segments = Object.keys(value.segments);
  return (
    <div className="output output-evaluate">
      <div className="output-meta">
        <span>{value.protocol}</span>
      </div>
      <table className="grid-table metrics-table" aria-label="Metrics by K">
        <thead>
          <tr>
            <th>Metric</th>
            {ks.map((kk) => (
              <th key={kk} className="num">
                @{kk}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {names.map((name) => (
            <tr key={name} className={metric.startsWith(`${name}@`) ? 'highlight' : undefined}>
              <th scope="row">{name}</th>
              {ks.map((kk) => (
                <td key={kk} className="num">
                  {formatMetric(overall[`${name}@${kk}`])}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {scalars.length ? (
        <div className="output-meta scalars">
          {scalars.map(([key, v]) => (
            <span key={key}>
              {key} <strong>{key === 'users' || key === 'tied_users' ? formatInt(v) : formatMetric(v)}</strong>
            </span>
          ))}
        </div>
      ) : null}
      {segments.length > 1 ? (
        <table className="grid-table segments-table" aria-label="Segments">
          <thead>
            <tr>
              <th>Segment</th>
              <th className="num">Users</th>
              {segCols.map((c) => (
                <th key={c} className="num">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {segments.map((seg) => (
              <tr key={seg}>
                <th scope="row">{segmentLabel(seg)}</th>
                <td className="num">{value.segments[seg].users !== undefined ? formatInt(value.segments[seg].users) : '–'}</td>
                {segCols.map((c) => (
                  <td key={c} className="num">
                    {formatMetric(value.segments[seg][c])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {value.warnings.length ? (
        <ul className="output-warnings">
          {value.warnings.map((w, i) => (
            <li key={i}>
              <span className="codicon codicon-warning" aria-hidden /> {w}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
