/**
 * The personalize plane: `mesh personalize train | deploy | status | recommend | rollback` on both targets, the
 * Personalize template (personalize.yaml), and what the streams plane and the dev server read (outputs, the local
 * campaign runtime). The engine itself is in ./engine.
 */
export type { DatasetType, SchemaField } from './avro-rules.js';
export type { DatasetConfig, PersonalizeConfig, SolutionConfig } from './config.js';
export { loadPersonalizeConfig, RECIPE_ARNS } from './config.js';
export type { CampaignDeployment, DeployInput } from './deployment.js';
export type { GateInput, GateVerdict } from './gate.js';
export { evaluateGate } from './gate.js';
export type { LocalRecommendRequest, RecommendationsResult } from './local/local-campaign.js';
export type { PersonalizeOutputs } from './outputs.js';
export { personalizeEnvironment, readPersonalizeOutputs } from './outputs.js';
export type { PersonalizePaths, PersonalizeProject } from './project.js';
export { openPersonalizeProject, personalizeDomains, personalizePaths } from './project.js';
export type { DeployResult, PersonalizeContext, StatusResult, TrainInput, TrainResult } from './service.js';
export { deployPersonalize, personalizeStatus, recommendPersonalize, rollbackPersonalize, trainPersonalize } from './service.js';
