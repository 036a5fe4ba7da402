import { QUERY_ATTRIBUTES } from '../../../core/spec';
import type { QueryError } from './runs-table-model';

/** What the filter box says on hover: the language in brief, every attribute it knows. */
const HELP = [
  'Filter runs: metrics.KEY, metrics[SEGMENT].KEY, params.KEY, tags.KEY or an attribute, compared with = != < <= > >=, in (...), like "a%", is null; joined with and, or, not and parentheses.',
  ...Object.entries(QUERY_ATTRIBUTES).map(([k, v]) => `${k}: ${v}`),
  'Esc clears it; Down goes to the rows.',
].join('\n');

/**
 * The filter box: the query as typed over a copy of it whose wrong part is underlined
 * (the parser's position and length), so the error shows where it is while typing.
 */
export function QueryInput({ value, error, onChange, onEscape, inputRef }: { value: string; error?: QueryError; onChange(v: string): void; onEscape?(): void; inputRef?: React.Ref<HTMLInputElement> }) {
  const at = error ? Math.min(error.position, value.length) : 0;
  // An error at the end (a missing value) underlines a space after the text.
  const bad = error ? value.slice(at, at + error.length) || ' ' : '';
  return (
    <div className={`query-input${error ? ' invalid' : ''}`}>
      <div className="query-mirror" aria-hidden>
        {error ? (
          <>
            {value.slice(0, at)}
            <span className="query-error-mark" data-position={error.position}>
              {bad}
            </span>
            {value.slice(at + error.length)}
          </>
        ) : (
          value
        )}
      </div>
      <input
        ref={inputRef}
        type="text"
        spellCheck={false}
        aria-label="Filter runs"
        title={HELP}
        aria-invalid={!!error}
        placeholder='Filter: metrics.ndcg@10 > 0.3 and params.model.type = "hybrid" and status = "FINISHED"'
        value={value}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape' && onEscape) {
            e.stopPropagation();
            onEscape();
          }
        }}
      />
    </div>
  );
}
