import type { ModelOutput as ModelOutputValue } from '../../../../core/experiment';
import { formatInt } from './format';

/** Past this many layers the table starts folded. */
const OPEN_LAYERS = 8;

/** The model cell's output: the layers with their shapes and parameter counts. */
export function ModelOutput({ value }: { value: ModelOutputValue }) {
  const layers = value.layers ?? [];
  return (
    <div className="output output-model">
      <div className="output-meta">
        <span>
          <strong>{value.type}</strong>: {formatInt(value.parameters)} parameters
        </span>
      </div>
      {layers.length ? (
        <details className="output-details" open={layers.length <= OPEN_LAYERS}>
          <summary>{layers.length} weight tensors</summary>
          <table className="grid-table" aria-label="Model layers">
            <thead>
              <tr>
                <th>Layer</th>
                <th>Shape</th>
                <th className="num">Parameters</th>
              </tr>
            </thead>
            <tbody>
              {layers.map((l, i) => (
                <tr key={i}>
                  <td>
                    <code>{l.name}</code>
                  </td>
                  <td>
                    <code>{l.shape}</code>
                  </td>
                  <td className="num">{formatInt(l.parameters)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      ) : null}
    </div>
  );
}
