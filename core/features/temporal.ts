import { featureTransformerSides, temporalFeature, type TemporalConfig } from '../spec';
import type { FeatureTransformerDefinition, FeatureRows, FittedTransformer } from './types';
import { decodeBase64, encodeBase64 } from './values';

const CYCLES = { hour: 24, weekday: 7, month: 12 } as const;

/** The config schema is core/spec's (validation, types and the editor share it); exported here under its old name too. */
export const temporalConfigSchema = temporalFeature.config;
export type { TemporalConfig };

/** Fitted from training interactions only. */
export interface TemporalState {
  /** Latest training timestamp (unix s), or null when training has none. */
  cutoff: number | null;
  /**
   * For `recencyFrom: previous`: every user's training timestamps, ascending, as base64
   * Float64 (`userTimes`) with base64 Int32 row offsets (`userOffsets`, nUsers + 1).
   */
  userTimes?: string;
  userOffsets?: string;
}

/** Index of the last entry of `a[lo..hi)` (ascending) strictly below t, or -1. */
function lastBelow(a: Float64Array, lo: number, hi: number, t: number): number {
  let l = lo;
  let h = hi;
  while (l < h) {
    const mid = (l + h) >> 1;
    if (a[mid] < t) l = mid + 1;
    else h = mid;
  }
  return l > lo ? l - 1 : -1;
}

/**
 * Time context of an interaction. Cyclic parts give (sin, cos) of 2π·v/period with v the
 * integer hour (0..23), weekday (0 = Sunday..6) or month (0 = January..11) on the
 * configured clock. Recency is ln(1 + hours) since the reference time, with a
 * `recency:none` column set when there is none (no earlier training interaction of that
 * user, an unknown user, or no training timestamps); only training timestamps are ever
 * used, so a held-out event never changes another event's features. A missing timestamp
 * gives zeros and `time:missing` = 1.
 */
class FittedTemporal implements FittedTransformer<TemporalConfig, TemporalState> {
  readonly type = 'temporal';
  readonly dim: number;
  readonly names: string[];
  private readonly times?: Float64Array;
  private readonly offsets?: Int32Array;

  constructor(
    readonly config: TemporalConfig,
    private readonly fitted: TemporalState,
  ) {
    this.names = [];
    for (const p of config.parts) {
      if (p === 'recency') this.names.push('recency:log1p_hours', 'recency:none');
      else this.names.push(`${p}:sin`, `${p}:cos`);
    }
    if (config.missingIndicator) this.names.push('time:missing');
    this.dim = this.names.length;
    if (fitted.userTimes !== undefined && fitted.userOffsets !== undefined) {
      this.times = decodeBase64(fitted.userTimes, Float64Array);
      this.offsets = decodeBase64(fitted.userOffsets, Int32Array);
    }
  }

  state(): TemporalState {
    return this.fitted;
  }

  /** Seconds since the reference time of an event, or NaN when there is none. */
  private recencySeconds(user: number, t: number): number {
    if (this.config.recencyFrom === 'cutoff') return this.fitted.cutoff === null ? NaN : Math.max(0, t - this.fitted.cutoff);
    if (!this.times || !this.offsets || user < 0 || user + 1 >= this.offsets.length) return NaN;
    const at = lastBelow(this.times, this.offsets[user], this.offsets[user + 1], t);
    return at < 0 ? NaN : t - this.times[at];
  }

  transform(rows: FeatureRows, out: Float32Array, stride: number, offset: number): void {
    const ts = rows.timestamp;
    const shift = this.config.utcOffsetMinutes * 60;
    for (let r = 0; r < rows.n; r++) {
      const t = ts ? ts[r] : NaN;
      const at = r * stride + offset;
      if (!Number.isFinite(t)) {
        if (this.config.missingIndicator) out[at + this.dim - 1] = 1;
        continue;
      }
      const date = new Date((t + shift) * 1000);
      let c = at;
      for (const p of this.config.parts) {
        if (p === 'recency') {
          const s = this.recencySeconds(rows.entity[r], t);
          if (Number.isNaN(s)) out[c + 1] = 1;
          else out[c] = Math.log1p(s / 3600);
        } else {
          const v = p === 'hour' ? date.getUTCHours() : p === 'weekday' ? date.getUTCDay() : date.getUTCMonth();
          const angle = (2 * Math.PI * v) / CYCLES[p];
          out[c] = Math.sin(angle);
          out[c + 1] = Math.cos(angle);
        }
        c += 2;
      }
    }
  }
}

export const temporalTransformer: FeatureTransformerDefinition<TemporalConfig, TemporalState> = {
  type: 'temporal',
  description: 'Interaction time: hour, weekday, month as sin/cos pairs, and log-scaled recency',
  sides: featureTransformerSides('temporal'),
  configSchema: temporalConfigSchema,
  fit(config, input) {
    const { user, timestamp } = input.ds.interactions;
    let cutoff = -Infinity;
    for (const k of input.trainIndex) if (timestamp[k] > cutoff) cutoff = timestamp[k];
    const state: TemporalState = { cutoff: Number.isFinite(cutoff) ? cutoff : null };
    if (config.parts.includes('recency') && config.recencyFrom === 'previous') {
      const nUsers = input.ds.userIds.length;
      const offsets = new Int32Array(nUsers + 1);
      for (const k of input.trainIndex) if (Number.isFinite(timestamp[k])) offsets[user[k] + 1]++;
      for (let u = 0; u < nUsers; u++) offsets[u + 1] += offsets[u];
      const fill = offsets.slice(0, nUsers);
      const times = new Float64Array(offsets[nUsers]);
      for (const k of input.trainIndex) if (Number.isFinite(timestamp[k])) times[fill[user[k]]++] = timestamp[k];
      for (let u = 0; u < nUsers; u++) times.subarray(offsets[u], offsets[u + 1]).sort();
      state.userTimes = encodeBase64(times);
      state.userOffsets = encodeBase64(offsets);
    }
    return new FittedTemporal(config, state);
  },
  fromState: (config, state) => new FittedTemporal(config, state),
};
