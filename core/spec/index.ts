/**
 * The schema of everything a user writes: the experiment spec and its sections (data,
 * split, features, model, train, evaluate), each model type's parameters and each feature
 * transformer's config, with defaults and one-line descriptions; `parseSpec` validates a
 * spec and fills in every default before anything runs; `cellJsonSchema` turns a section
 * into JSON Schema for the editor. Browser-safe: zod and core/util only.
 *
 * Adding a model type (a baseline in core/models/baselines or an architecture in
 * core/models/neural):
 * 1. Describe its parameters with `defineModel(type, family, description, shape)` in
 *    model-baselines.ts or model-architectures.ts: one zod schema per parameter with its
 *    `.default(...)` (or `.optional()` when absence means something) and `.describe(...)`,
 *    and export `type XxxConfig = z.output<typeof xxx.config>`.
 * 2. Add it to `MODELS` in model.ts. `model.tune`, the unknown-key and unknown-type
 *    messages and the editor's JSON Schema follow from the shape.
 * 3. In core/models, register the implementation under the same type and take its config
 *    type from here (`build(config: XxxConfig)`); it gets the parsed config, defaults filled,
 *    and keeps no defaults of its own. test/core/spec/registry-coverage.test.ts fails
 *    until the registry and the schemas list the same types.
 * A feature transformer goes the same way through `transformer(...)` in features.ts and
 * the per-side lists there.
 */
export * from './experiment';
export * from './features';
export * from './train';
export * from './model-schema';
export * from './model-baselines';
export * from './model-architectures';
export * from './model-factorised';
export * from './model';
export * from './parse';
export * from './json-schema';
export { formatIssue, formatIssues, formatPath, issueEntries, type SpecIssue } from './issues';
export { configObject, valueErrorMap, unknownKeyMessage } from './config-object';
export { editDistance, closestName, didYouMean } from './suggest';
export * from './run-query';
