import { Command, Option } from 'commander';
import type { Styles } from '../../io/output.js';
import { contextFor } from '../context.js';
import {
  ABOUT,
  deployInput,
  FLAGS,
  type PersonalizeFlags,
  recommendRequest,
  rollbackInput,
  trainInput,
  callOptions as where,
} from './personalize-flags.js';
import { toolkitFor } from './shared.js';

type Pz = Awaited<ReturnType<typeof toolkitFor>>['personalize'];
type Report = typeof import('../render/personalize-report.js');

/** One subcommand: flags → one toolkit call → the renderer (loaded only when it runs: no SDK for `mesh --help`). */
function sub<R>(
  name: keyof typeof FLAGS,
  call: (pz: Pz, o: PersonalizeFlags) => Promise<R>,
  render: (r: R, m: Report, s: Styles) => string,
) {
  const command = new Command(name)
    .description(ABOUT[name])
    .addOption(new Option('--domain <name>', 'the consumer domain (default: the only one with a Personalize template)'))
    .action(async (opts: PersonalizeFlags, self: Command) => {
      const ctx = contextFor(self);
      const [toolkit, report] = await Promise.all([toolkitFor(ctx), import('../render/personalize-report.js')]);
      const result = await call(toolkit.personalize, opts);
      ctx.output.result(result, () => render(result, report, ctx.output.style));
    });
  return FLAGS[name](command).exitOverride();
}

export function personalizeCommand(): Command {
  return new Command('personalize')
    .description('recommendations: train, deploy (metrics-gated), status, recommend, rollback')
    .addCommand(
      sub(
        'train',
        (pz, o) => pz.train(trainInput(o), where(o)),
        (r, m, s) => m.renderTrain(r, s),
      ),
    )
    .addCommand(
      sub(
        'deploy',
        (pz, o) => pz.deploy(deployInput(o), where(o)),
        (r, m, s) => m.renderDeploy(r, s),
      ),
    )
    .addCommand(
      sub(
        'status',
        (pz, o) => pz.status({ wait: o.wait !== false }, where(o)),
        (r, m, s) => m.renderStatus(r, s),
      ),
    )
    .addCommand(
      sub(
        'recommend',
        (pz, o) => pz.recommend(recommendRequest(o), where(o)),
        (r, m) => m.renderRecommendations(r),
      ),
    )
    .addCommand(
      sub(
        'rollback',
        (pz, o) => pz.rollback(rollbackInput(o), where(o)),
        (r, m) => m.renderRollback(r),
      ),
    );
}
