import type { SplitOutput as SplitOutputValue } from '../../../../core/experiment';
import { formatInt, formatPercent } from './format';

/** The split cell's output: each part's size and the protocol fingerprint runs compare on. */
export function SplitOutput({ value }: { value: SplitOutputValue }) {
  const parts = (['train', 'valid', 'test'] as const).map((name) => [name, value.parts[name]] as const);
  const total = parts.reduce((n, [, p]) => n + p.interactions, 0);
  return (
    <div className="output output-split">
      <table className="grid-table" aria-label="Split parts">
        <thead>
          <tr>
            <th>Part</th>
            <th className="num">Interactions</th>
            <th className="num">Share</th>
            <th className="num">Users</th>
            <th className="num">Items</th>
          </tr>
        </thead>
        <tbody>
          {parts.map(([name, p]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td className="num">{formatInt(p.interactions)}</td>
              <td className="num">{total ? formatPercent(p.interactions / total) : '–'}</td>
              <td className="num">{formatInt(p.users)}</td>
              <td className="num">{formatInt(p.items)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="output-meta">
        <span>
          {value.kind} split, seed {value.seed}
        </span>
        {value.coldItems !== undefined ? <span>{formatInt(value.coldItems)} cold items held out</span> : null}
        {value.coldUsers !== undefined ? <span>{formatInt(value.coldUsers)} cold users held out</span> : null}
        <span title={`Protocol fingerprint: runs compare only when it is equal.\n${value.fingerprint}`}>
          fingerprint <code>{value.fingerprint.slice(0, 12)}</code>
        </span>
      </div>
    </div>
  );
}
