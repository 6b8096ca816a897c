// moto names an MSK cluster `arn:aws:kafka:<region>:<account>:cluster/<uuid>`; AWS (and mesh's mesh.yaml check) use
// `…:cluster/<name>/<uuid>`. Until scripts/moto_launcher.py answers in AWS's format, this shim lets the test write the
// AWS form in mesh.yaml: in this process, every KafkaClient and LambdaClient call has the AWS form replaced by moto's
// in its input, and moto's form replaced by the AWS form in its output. It does nothing when moto's ARN is already valid.
import { KafkaClient } from '@aws-sdk/client-kafka';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { parseMskClusterArn } from '../../src/workspace/aws-ids.js';

function mapStrings(value: unknown, swap: (s: string) => string): unknown {
  if (typeof value === 'string') return swap(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, swap));
  if (value && typeof value === 'object' && !(value instanceof Uint8Array) && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapStrings(v, swap)]));
  }
  return value;
}

type Send = (command: { input: unknown }, ...rest: unknown[]) => Promise<unknown>;

/** Returns the ARN to write in mesh.yaml, and a function that removes the shim. */
export function awsFormClusterArn(motoArn: string, clusterName: string): { clusterArn: string; restore: () => void } {
  if (parseMskClusterArn(motoArn)) return { clusterArn: motoArn, restore: () => {} };
  const match = /^(arn:[^:]+:kafka:[^:]+:\d{12}:cluster\/)([A-Za-z0-9-]+)$/.exec(motoArn);
  if (!match) throw new Error(`unexpected moto MSK ARN ${motoArn}`);
  const clusterArn = `${match[1]}${clusterName}/${match[2]}`;
  const toMoto = (s: string) => s.replaceAll(clusterArn, motoArn);
  const toAws = (s: string) => s.replaceAll(motoArn, clusterArn);
  const restores = [KafkaClient, LambdaClient].map((ctor) => {
    const proto = ctor.prototype as unknown as { send: Send };
    const own = Object.hasOwn(proto, 'send');
    const original = proto.send;
    proto.send = async function (this: unknown, command, ...rest) {
      command.input = mapStrings(command.input, toMoto);
      return mapStrings(await original.call(this, command, ...rest), toAws);
    };
    return () => {
      if (own) proto.send = original;
      else delete (proto as { send?: Send }).send;
    };
  });
  return {
    clusterArn,
    restore: () => {
      for (const r of restores) r();
    },
  };
}
