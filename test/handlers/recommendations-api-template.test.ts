// The aws template of the recommendations API: route, integration, function, permission and role, and every
// reference in it resolves (moto has no CloudFormation model for AWS::ApiGatewayV2, so it cannot deploy it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './handler-harness.js';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DependsOn?: string[];
}
interface Template {
  Parameters: Record<string, { Type: string; Default?: string }>;
  Conditions: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs: Record<string, { Value: unknown }>;
}

const TEMPLATE = path.join(REPO_ROOT, 'templates', 'aws', 'recommendations-api', 'template.json');

function ofType(t: Template, type: string): [string, Resource][] {
  return Object.entries(t.Resources).filter(([, r]) => r.Type === type);
}

function only(t: Template, type: string): [string, Resource] {
  const found = ofType(t, type);
  expect(found, type).toHaveLength(1);
  return found[0] as [string, Resource];
}

/** Every Ref, GetAtt, Sub variable and If condition in the template, with what it names. */
function references(node: unknown, out: { kind: string; name: string }[] = []): { kind: string; name: string }[] {
  if (Array.isArray(node)) for (const v of node) references(v, out);
  else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'Ref' && typeof value === 'string') out.push({ kind: 'Ref', name: value });
      else if (key === 'Fn::GetAtt' && Array.isArray(value)) out.push({ kind: 'GetAtt', name: String(value[0]) });
      else if (key === 'Fn::Sub') {
        const text = Array.isArray(value) ? String(value[0]) : String(value);
        for (const m of text.matchAll(/\$\{([^}!]+)\}/g)) out.push({ kind: 'Sub', name: (m[1] ?? '').split('.')[0] ?? '' });
      } else if (key === 'Fn::If' && Array.isArray(value)) out.push({ kind: 'If', name: String(value[0]) });
      references(value, out);
    }
  }
  return out;
}

describe('templates/aws/recommendations-api', () => {
  let t: Template;
  beforeAll(() => {
    t = JSON.parse(readFileSync(TEMPLATE, 'utf8')) as Template;
  });

  it('defines GET /recommendations/{userId} on an HTTP API, proxied to the function with payload 2.0', () => {
    const [apiName, api] = only(t, 'AWS::ApiGatewayV2::Api');
    expect(api.Properties.ProtocolType).toBe('HTTP');
    const [integrationName, integration] = only(t, 'AWS::ApiGatewayV2::Integration');
    const [functionName] = only(t, 'AWS::Lambda::Function');
    expect(integration.Properties).toMatchObject({
      ApiId: { Ref: apiName },
      IntegrationType: 'AWS_PROXY',
      IntegrationUri: { 'Fn::GetAtt': [functionName, 'Arn'] },
      PayloadFormatVersion: '2.0',
    });
    const [, route] = only(t, 'AWS::ApiGatewayV2::Route');
    expect(route.Properties).toMatchObject({
      ApiId: { Ref: apiName },
      RouteKey: 'GET /recommendations/{userId}',
      Target: { 'Fn::Join': ['/', ['integrations', { Ref: integrationName }]] },
    });
    const [, stage] = only(t, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties).toMatchObject({ ApiId: { Ref: apiName }, StageName: '$default', AutoDeploy: true });
  });

  it('runs the recommendations-api handler with the campaign in its environment', () => {
    const [, fn] = only(t, 'AWS::Lambda::Function');
    const [roleName] = only(t, 'AWS::IAM::Role');
    expect(fn.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: { 'Fn::GetAtt': [roleName, 'Arn'] },
      Code: { S3Bucket: { Ref: 'CodeS3Bucket' }, S3Key: { Ref: 'CodeS3Key' } },
    });
    const env = (fn.Properties.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(env.CAMPAIGN_ARN).toEqual({ Ref: 'CampaignArn' });
    expect(Object.keys(env).sort()).toEqual(['CAMPAIGN_ARN', 'FILTER_ARN', 'FILTER_ARNS']);
  });

  it('lets only this API invoke the function, and the function only GetRecommendations on the campaign and filters', () => {
    const [apiName] = only(t, 'AWS::ApiGatewayV2::Api');
    const [functionName] = only(t, 'AWS::Lambda::Function');
    const [, permission] = only(t, 'AWS::Lambda::Permission');
    expect(permission.Properties).toMatchObject({
      Action: 'lambda:InvokeFunction',
      FunctionName: { Ref: functionName },
      Principal: 'apigateway.amazonaws.com',
    });
    const sourceArn = (permission.Properties.SourceArn as { 'Fn::Sub': string })['Fn::Sub'];
    expect(sourceArn).toBe(`arn:\${AWS::Partition}:execute-api:\${AWS::Region}:\${AWS::AccountId}:\${${apiName}}/*/GET/recommendations/*`);

    const [, role] = only(t, 'AWS::IAM::Role');
    const trust = role.Properties.AssumeRolePolicyDocument as { Statement: { Principal: { Service: string }; Action: string }[] };
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    const policies = role.Properties.Policies as { PolicyDocument: { Statement: unknown[] } }[];
    const statements = policies.flatMap((p) => p.PolicyDocument.Statement);
    expect(statements[0]).toEqual({
      Sid: 'GetRecommendationsFromTheCampaign',
      Effect: 'Allow',
      Action: 'personalize:GetRecommendations',
      Resource: { Ref: 'CampaignArn' },
    });
    expect(statements[1]).toEqual({
      'Fn::If': [
        'HasFilters',
        {
          Sid: 'GetRecommendationsWithTheFilters',
          Effect: 'Allow',
          Action: 'personalize:GetRecommendations',
          Resource: { Ref: 'FilterArns' },
        },
        { Ref: 'AWS::NoValue' },
      ],
    });
    // No wildcard anywhere in the function's own permissions.
    expect(JSON.stringify(policies)).not.toMatch(/"Resource":"\*"|"Action":"personalize:\*"/);
  });

  it('has no dangling reference: every Ref, GetAtt, Sub and If names a parameter, resource, pseudo parameter or condition', () => {
    const known = new Set([...Object.keys(t.Parameters), ...Object.keys(t.Resources)]);
    const dangling = references(t)
      .filter((r) => (r.kind === 'If' ? !(r.name in t.Conditions) : !known.has(r.name) && !r.name.startsWith('AWS::')))
      .map((r) => `${r.kind} ${r.name}`);
    expect(dangling).toEqual([]);
    for (const [name, resource] of Object.entries(t.Resources)) {
      for (const dependency of resource.DependsOn ?? []) expect(t.Resources, `${name} DependsOn`).toHaveProperty(dependency);
    }
    expect(Object.keys(t.Outputs).sort()).toEqual(['ApiEndpoint', 'FunctionArn', 'RecommendationsUrl', 'RouteArn']);
  });
});
