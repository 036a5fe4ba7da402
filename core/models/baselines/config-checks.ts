import { BugIndicatingError, InputError } from '../../util';

/*
 * Config checks shared by the baselines: a bad number in a spec is the user's mistake, so
 * it is an InputError naming the model, the option, the value and what is allowed.
 */

/** Requires an integer >= `min`. */
export function checkInteger(model: string, option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InputError(`Model '${model}': ${option} must be an integer >= ${min}; got ${JSON.stringify(value)}.`, 'SPEC');
  }
  return value;
}

/** Requires a finite number >= `min` (or > `min` when `exclusive`). */
export function checkNumber(model: string, option: string, value: unknown, min: number, exclusive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || (exclusive && value === min)) {
    throw new InputError(`Model '${model}': ${option} must be a number ${exclusive ? '>' : '>='} ${min}; got ${JSON.stringify(value)}.`, 'SPEC');
  }
  return value;
}

/**
 * Requires `out` to hold `users.length x nItems` scores and the model to be fitted. An
 * assertion, so `checkScoreCall(type, train !== undefined, ...)` also narrows `train`.
 */
export function checkScoreCall(model: string, fitted: boolean, users: Int32Array, out: Float32Array, nItems: number, nUsers: number): asserts fitted {
  if (!fitted) throw new BugIndicatingError(`Model '${model}' was asked for scores before fit().`);
  if (out.length < users.length * nItems) {
    throw new BugIndicatingError(`Model '${model}': score buffer holds ${out.length} values; ${users.length} users x ${nItems} items need ${users.length * nItems}.`);
  }
  for (let b = 0; b < users.length; b++) {
    if (users[b] < 0 || users[b] >= nUsers) throw new BugIndicatingError(`Model '${model}': user index ${users[b]} is outside 0..${nUsers - 1}.`);
  }
}

/** Rejects options the model does not have, so a typo (`lamda`) is not silently ignored. */
export function checkKnownOptions(model: string, config: object, known: readonly string[]): void {
  for (const key of Object.keys(config)) {
    if (!known.includes(key)) {
      throw new InputError(`Model '${model}' has no option '${key}'. Its options: ${known.join(', ') || 'none'}.`, 'SPEC');
    }
  }
}
