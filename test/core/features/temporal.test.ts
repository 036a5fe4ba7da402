import { describe, expect, it } from 'vitest';
import { temporalConfigSchema, temporalTransformer } from '../../../core/features/temporal';
import { fitInput, makeDataset, rowsOf, run, utc } from './fixture';

const t1 = utc(2021, 0, 1, 0);
const t2 = utc(2021, 0, 2, 0);
const held = utc(2021, 0, 1, 12); // a test interaction of user 0
const ds = makeDataset({
  nUsers: 2,
  nItems: 1,
  interactions: [
    [0, 0, t2],
    [0, 0, t1],
    [0, 0, held],
    [1, 0, NaN],
  ],
});
const fit = (config: Record<string, unknown>) => temporalTransformer.fit(temporalConfigSchema.parse(config), fitInput(ds, 'context', { trainIndex: [0, 1, 3] }));
const close = (a: number[], b: number[]) => b.forEach((v, j) => expect(a[j]).toBeCloseTo(v, 6));

describe('temporal transformer', () => {
  it('encodes hour, weekday and month as sin/cos: Monday 2021-01-04 06:00 UTC', () => {
    const t = fit({ parts: ['hour', 'weekday', 'month'] });
    expect(t.names).toEqual(['hour:sin', 'hour:cos', 'weekday:sin', 'weekday:cos', 'month:sin', 'month:cos', 'time:missing']);
    const [row] = run(t, rowsOf({}, [0], [utc(2021, 0, 4, 6, 30)]));
    // hour 6 -> sin(2π·6/24) = 1, cos = 0; Monday = 1 -> 2π/7; January = 0 -> (0, 1)
    close(row, [1, 0, Math.sin((2 * Math.PI) / 7), Math.cos((2 * Math.PI) / 7), 0, 1, 0]);
  });

  it('shifts the clock by utcOffsetMinutes', () => {
    const t = fit({ parts: ['hour'], utcOffsetMinutes: 180, missingIndicator: false });
    // 03:00 UTC + 3 h = 06:00
    close(run(t, rowsOf({}, [0], [utc(2021, 0, 4, 3)]))[0], [1, 0]);
  });

  it('gives zeros and time:missing = 1 for a missing timestamp', () => {
    const t = fit({ parts: ['hour', 'recency'] });
    expect(run(t, rowsOf({}, [0], [NaN]))[0]).toEqual([0, 0, 0, 0, 1]);
  });

  it("recency is ln(1 + hours) since the user's latest earlier TRAINING interaction", () => {
    const t = fit({ parts: ['recency'], missingIndicator: false });
    expect(t.names).toEqual(['recency:log1p_hours', 'recency:none']);
    const out = run(t, rowsOf({}, [0, 0, 0, 0, 1, -1], [t2 + 3 * 3600, t2, utc(2021, 0, 1, 13), t1, t2, t2]));
    close(out[0], [Math.log1p(3), 0]);
    close(out[1], [Math.log1p(24), 0]); // a training event's previous one, not itself
    close(out[2], [Math.log1p(13), 0]); // the held-out event at 12:00 is not a reference
    expect(out[3]).toEqual([0, 1]); // no earlier training interaction
    expect(out[4]).toEqual([0, 1]); // user without training timestamps
    expect(out[5]).toEqual([0, 1]); // unknown user
  });

  it('recency from the train cutoff: ln(1 + hours after the last training timestamp), 0 before it', () => {
    const t = fit({ parts: ['recency'], recencyFrom: 'cutoff', missingIndicator: false });
    expect(t.state()).toEqual({ cutoff: t2 });
    const out = run(t, rowsOf({}, [0, 1], [t2 + 2 * 3600, t1]));
    close(out[0], [Math.log1p(2), 0]);
    expect(out[1]).toEqual([0, 0]);
  });

  it('rebuilds from JSON state with identical output', () => {
    const t = fit({});
    const back = temporalTransformer.fromState(t.config, JSON.parse(JSON.stringify(t.state())));
    const rows = rowsOf({}, [0, 1, 0], [t2 + 100, t2, NaN]);
    expect(run(back, rows)).toEqual(run(t, rows));
  });
});
