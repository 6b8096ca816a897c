// The catalog port's contract against the local adapter: the SQLite catalog under the workspace's .mesh/local.

import { LocalCatalogPort } from '../../src/catalog/local/adapter.js';
import { catalogNaming } from '../../src/catalog/names.js';
import { describeCatalogPortContract } from './catalog-port-contract.js';
import { musicFixture } from './fixtures.js';

describeCatalogPortContract('local (SQLite catalog)', async () => {
  const fx = musicFixture({ target: 'local' });
  const naming = catalogNaming(fx.workspace, 'local');
  const port = await LocalCatalogPort.open(fx.workspace, naming);
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
