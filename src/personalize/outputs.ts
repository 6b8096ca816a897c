/**
 * What `mesh personalize deploy` hands to the consumer functions (outputs.json). The file's shape and readers live in
 * src/workspace/personalize-outputs.ts, where the streams plane reads them without importing this plane.
 */
export {
  type PersonalizeOutputs,
  personalizeEnvironment,
  personalizeOutputsFile,
  readOutputsFile,
  readPersonalizeOutputs,
  writePersonalizeOutputs,
} from '../workspace/personalize-outputs.js';
