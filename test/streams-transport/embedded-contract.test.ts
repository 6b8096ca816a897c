import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openEmbeddedLog } from '../../src/streams/transport/embedded-log.js';
import { describeTransportContract } from './transport-contract.js';

describeTransportContract('embedded log', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mesh-streams-contract-'));
  return {
    open: () => openEmbeddedLog(path.join(dir, '.mesh', 'local')),
    joinWaitMs: 50,
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
});
