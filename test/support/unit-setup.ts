// vitest globalSetup of the `unit` project: no test services. It only makes sure nothing can reach real AWS: fixed
// dummy credentials, no profile or session, and the endpoint pointed at a closed local port (the discard port).
export default function setup(): void {
  for (const key of Object.keys(process.env)) {
    if (key.startsWith('AWS_ENDPOINT_URL_')) delete process.env[key];
  }
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_SESSION_TOKEN;
  // `vitest run` with both projects runs both global setups in this one process, in either order, before forking:
  // the integration setup's moto endpoint wins when there is one (unit tests never call AWS, so either is safe).
  process.env.AWS_ENDPOINT_URL ??= 'http://127.0.0.1:9';
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });
}
