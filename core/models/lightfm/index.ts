import { registerArchitecture } from '../neural';
import { registerModel } from '../registry';
import { lightfmArchitecture } from './architecture';
import type { LightfmConfig } from './config';
import { LightfmRecommender } from './recommender';

export { lightfmModel, type LightfmConfig } from './config';
export { LightfmRecommender, type LightfmTrainResult } from './recommender';
export { LightfmArchitecture, lightfmArchitecture, parseLightfmConfig } from './architecture';
export { buildFeatureRows, type FeatureRows } from './feature-rows';
export { initParams, representAll, representRow, type LightfmParams } from './params';
export { LightfmSgd, warpWeight, MAX_WARP_WEIGHT, type EpochStats, type SgdData, type SgdSettings } from './sgd';
export { scoreFactorised } from './scoring';

registerModel<LightfmConfig>({
  type: 'lightfm',
  description: 'LightFM-style factorised hybrid: users and items as sums of identity and attribute embeddings, WARP or BPR, Adagrad, trained on typed arrays.',
  create: (config, inputs) => new LightfmRecommender(config, inputs),
});

// The same model in tf variables, so core/export can bundle and rebuild a trained one (architecture.ts).
registerArchitecture(lightfmArchitecture);
