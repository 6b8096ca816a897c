// The preflight's plain reading of IAM policies (src/doctor/policy-reading.ts): which grants count for the
// Personalize role's S3 read, the bucket policy and the trust of a service.
import { describe, expect, it } from 'vitest';
import { policyGrants, trustsService, wildcardMatches } from '../../src/doctor/policy-reading.js';

const doc = (...Statement: object[]) => [{ name: 'p', document: JSON.stringify({ Version: '2012-10-17', Statement }) }];
const OBJECT = 'arn:aws:s3:::music-recs/personalize/recommendations/items/f1.csv';

describe('policy reading', () => {
  it('matches IAM wildcards: * any run, ? one character; actions without case', () => {
    expect(wildcardMatches('s3:Get*', 's3:getobject', true)).toBe(true);
    expect(wildcardMatches('s3:Get*', 's3:getobject')).toBe(false);
    expect(wildcardMatches('arn:aws:s3:::music-recs/personalize/*', OBJECT)).toBe(true);
    expect(wildcardMatches('arn:aws:s3:::music-recs/other/*', OBJECT)).toBe(false);
    expect(wildcardMatches('arn:aws:s3:::music-rec?', 'arn:aws:s3:::music-recs')).toBe(true);
    // regex characters in a pattern are literal
    expect(wildcardMatches('arn:aws:s3:::a.b', 'arn:aws:s3:::axb')).toBe(false);
  });

  it('an identity policy grants an action on a resource through an Allow statement only', () => {
    const read = doc(
      { Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::music-recs/personalize/*' },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: ['arn:aws:s3:::music-recs'] },
    );
    expect(policyGrants(read, 's3:GetObject', OBJECT)).toBe(true);
    expect(policyGrants(read, 's3:ListBucket', 'arn:aws:s3:::music-recs')).toBe(true);
    expect(policyGrants(read, 's3:PutObject', OBJECT)).toBe(false);
    expect(policyGrants(read, 's3:GetObject', 'arn:aws:s3:::other/personalize/x.csv')).toBe(false);
    expect(policyGrants(doc({ Effect: 'Deny', Action: '*', Resource: '*' }), 's3:GetObject', OBJECT)).toBe(false);
    expect(policyGrants(doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }), 's3:GetObject', OBJECT)).toBe(true);
    expect(policyGrants([{ name: 'broken', document: '{not json' }], 's3:GetObject', OBJECT)).toBe(false);
  });

  it('a resource policy counts only for the named service principal', () => {
    const bucket = doc({ Effect: 'Allow', Principal: { Service: 'personalize.amazonaws.com' }, Action: 's3:GetObject', Resource: '*' });
    expect(policyGrants(bucket, 's3:GetObject', OBJECT, 'personalize.amazonaws.com')).toBe(true);
    expect(policyGrants(bucket, 's3:GetObject', OBJECT, 'glue.amazonaws.com')).toBe(false);
  });

  it('a trust policy trusts a service when an Allow statement names it for sts:AssumeRole', () => {
    const trust = (Principal: object, Action = 'sts:AssumeRole') =>
      JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal, Action } });
    expect(trustsService(trust({ Service: ['glue.amazonaws.com', 'personalize.amazonaws.com'] }), 'personalize.amazonaws.com')).toBe(true);
    expect(trustsService(trust({ Service: 'glue.amazonaws.com' }), 'personalize.amazonaws.com')).toBe(false);
    expect(trustsService(trust({ AWS: 'arn:aws:iam::111122223333:root' }), 'personalize.amazonaws.com')).toBe(false);
    expect(trustsService(trust({ Service: 'personalize.amazonaws.com' }, 'sts:TagSession'), 'personalize.amazonaws.com')).toBe(false);
  });
});
