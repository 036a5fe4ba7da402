/** `lightfm`'s parameters, defaults and descriptions live in core/spec (model-factorised.ts). */
export { lightfmModel, type LightfmConfig } from '../../spec';
