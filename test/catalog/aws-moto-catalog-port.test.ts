// The catalog port's contract against the aws adapter: Glue and Lake Formation in moto, in three fresh accounts
// (central, producer, consumer) that no other test file uses.

import { AwsClients } from '../../src/aws/clients.js';
import { AwsCatalogPort } from '../../src/catalog/aws/adapter.js';
import { catalogNaming } from '../../src/catalog/names.js';
import { freshAccounts } from '../support/moto.js';
import { describeCatalogPortContract } from './catalog-port-contract.js';
import { musicFixture } from './fixtures.js';

process.env.MESH_AWS_MAX_ATTEMPTS = '1';

describeCatalogPortContract('aws (Glue + Lake Formation in moto)', async () => {
  const accounts = freshAccounts();
  const fx = musicFixture({ target: 'aws', accounts, bucket: `music-data-${accounts.producer}` });
  const naming = catalogNaming(fx.workspace, 'aws');
  const port = new AwsCatalogPort(new AwsClients(), naming);
  return {
    port,
    naming,
    workspace: fx.workspace,
    close: async () => {
      await port.close();
      fx.cleanup();
    },
  };
});
