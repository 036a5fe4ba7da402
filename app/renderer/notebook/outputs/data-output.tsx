import type { DataOutput as DataOutputValue } from '../../../../core/experiment';
import { LiveLineChart } from '../../charts/live-line-chart';
import type { ThemeService } from '../../workbench/services';
import { formatInt, formatMetric, formatPercent } from './format';

/** The data cell's output: the dataset at a glance and its long tail of popularity. */
export function DataOutput({ value, theme }: { value: DataOutputValue; theme: ThemeService }) {
  const s = value.stats;
  const rows: [string, string][] = [
    ['Users', formatInt(s.users)],
    ['Items', formatInt(s.items)],
    ['Interactions', formatInt(s.interactions)],
    ['Density', formatPercent(s.density, 2)],
  ];
  if (s.perUser) rows.push(['Per user (median · mean · max)', `${formatInt(s.perUser.median)} · ${s.perUser.mean.toFixed(1)} · ${formatInt(s.perUser.max)}`]);
  if (s.perItem) rows.push(['Per item (median · mean · max)', `${formatInt(s.perItem.median)} · ${s.perItem.mean.toFixed(1)} · ${formatInt(s.perItem.max)}`]);
  if (s.popularity) rows.push(['Top 20 % of items', `${formatPercent(s.popularity.top20ItemShare)} of interactions (Gini ${formatMetric(s.popularity.gini)})`]);
  if (s.coldUsers || s.coldItems) rows.push(['Without interactions', `${formatInt(s.coldUsers)} users · ${formatInt(s.coldItems)} items`]);
  return (
    <div className="output output-data">
      <table className="kv-table" aria-label="Dataset summary">
        <tbody>
          {rows.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">{k}</th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {value.popularity.length > 1 ? (
        <div className="output-chart">
          <LiveLineChart title="Long tail: interactions per item, by popularity rank" xTitle="item rank" yTitle="interactions" points={() => value.popularity.map((p) => ({ x: p.rank, y: p.count }))} color="--chart-1" fill yLog theme={theme} height={200} />
        </div>
      ) : null}
    </div>
  );
}
