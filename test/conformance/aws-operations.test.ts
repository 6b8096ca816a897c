// Every AWS operation src can call (found statically: `new XCommand(` in a file importing @aws-sdk/client-*) is an
// operation of that service's model, so the conformance check (test/support/aws-conformance-setup.ts) has a model
// for each. `node test/conformance/src-operations.mjs` after an integration run lists the ones no test reached.
import { describe, expect, it } from 'vitest';
import { srcOperations } from './src-operations.mjs';

describe('the AWS operations src can call', () => {
  it('all exist in the exported service models', () => {
    const { operations, unknown } = srcOperations();
    expect(unknown).toEqual([]);
    expect(operations.length).toBeGreaterThan(100);
    expect(operations).toEqual(expect.arrayContaining(['Glue UpdateJob', 'Kafka DeleteTopic', 'LakeFormation UpdateLFTag', 'IAM TagRole']));
  });
});
