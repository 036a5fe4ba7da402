import type { FeaturesOutput as FeaturesOutputValue } from '../../../../core/experiment';
import { formatInt } from './format';

/** The features cell's output: the width of each fitted block and a TF-IDF block's top terms. */
export function FeaturesOutput({ value }: { value: FeaturesOutputValue }) {
  return (
    <div className="output output-features">
      <div className="output-meta">
        <span>user features: {formatInt(value.userDim)} dims</span>
        <span>item features: {formatInt(value.itemDim)} dims</span>
        <span>context features: {formatInt(value.contextDim)} dims</span>
      </div>
      {value.blocks.length ? (
        <table className="grid-table" aria-label="Feature blocks">
          <thead>
            <tr>
              <th>Side</th>
              <th>Transformer</th>
              <th>Column</th>
              <th className="num">Dims</th>
              <th>Top terms (fitted on train)</th>
            </tr>
          </thead>
          <tbody>
            {value.blocks.map((b, i) => (
              <tr key={i}>
                <td>{b.side}</td>
                <td>{b.type}</td>
                <td>{b.column ?? '–'}</td>
                <td className="num">{formatInt(b.dim)}</td>
                <td className="terms">{b.topTerms?.join(', ') ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <div className="output-note">No feature blocks: the model sees ids only.</div>
      )}
    </div>
  );
}
