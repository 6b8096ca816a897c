// Bootstrap's desired-vs-observed rules, pure: what IAM hands back in another shape is no change; settings and
// LF-Tags only ever gain; the AWS principal behind an assumed role.
import { describe, expect, it } from 'vitest';
import { principalOf } from '../../src/bootstrap/aws/adapter.js';
import { compareBootstrap } from '../../src/bootstrap/compare.js';
import { bootstrapResource } from '../../src/bootstrap/desired.js';
import type { BootstrapSpec } from '../../src/bootstrap/port.js';

const pair = (d: BootstrapSpec, o: BootstrapSpec) => compareBootstrap(bootstrapResource(d), bootstrapResource(o));
const settings = (admins: string[], version: number, noDefaults = true): BootstrapSpec => ({
  kind: 'lf-settings',
  account: '111111111111',
  admins,
  crossAccountVersion: version,
  noDefaultPermissions: noDefaults,
});
const role = (principal: unknown, extra: Partial<BootstrapSpec & { kind: 'iam-role' }> = {}): BootstrapSpec => ({
  kind: 'iam-role',
  account: '222222222222',
  name: 'mesh-songs',
  description: 'd',
  trust: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }] },
  tags: { 'mesh:managed-by': 'mesh/music' },
  ...extra,
});

describe('compareBootstrap', () => {
  it('Lake Formation settings: other admins and a higher version are kept, a missing admin or version < 3 is an update', () => {
    const want = settings(['arn:aws:iam::1:role/mesh'], 4);
    expect(pair(want, settings(['arn:aws:iam::1:role/other', 'arn:aws:iam::1:role/mesh'], 3)).action).toBe('noop');
    expect(pair(want, settings(['arn:aws:iam::1:role/other'], 4))).toEqual({
      action: 'update',
      reason: 'admins to add: arn:aws:iam::1:role/mesh',
    });
    expect(pair(want, settings(['arn:aws:iam::1:role/mesh'], 2)).reason).toBe('CROSS_ACCOUNT_VERSION 2 → 4');
    expect(pair(want, settings(['arn:aws:iam::1:role/mesh'], 4, false)).reason).toBe('remove default IAMAllowedPrincipals permissions');
  });

  it('roles: a one-element list IAM returns as a string is the same trust; another principal or a changed tag is an update', () => {
    const a = 'arn:aws:iam::222222222222:role/team';
    expect(pair(role([a]), role(a)).action).toBe('noop');
    expect(pair(role([a]), role(['arn:aws:iam::222222222222:role/ci']))).toEqual({ action: 'update', reason: 'trust policy differ' });
    expect(pair(role([a]), role([a], { tags: {} })).reason).toBe('tags differ');
  });

  it('LF-Tags: only missing values are an update', () => {
    const tag = (values: string[]): BootstrapSpec => ({ kind: 'lf-tag', account: '1', key: 'domain', values });
    expect(pair(tag(['a']), tag(['a', 'b'])).action).toBe('noop');
    expect(pair(tag(['a', 'c']), tag(['a'])).reason).toBe('values to add: c');
  });

  it('principalOf: an assumed role → its role ARN; users and roles as they are', () => {
    expect(principalOf('arn:aws:sts::123456789012:assumed-role/mesh-ci/session-1')).toBe('arn:aws:iam::123456789012:role/mesh-ci');
    expect(principalOf('arn:aws:iam::123456789012:user/alice')).toBe('arn:aws:iam::123456789012:user/alice');
  });
});
