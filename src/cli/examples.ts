import type { Command } from 'commander';

/**
 * Every command's --help ends with two or three examples, written against the music-streaming example so that each
 * one runs as printed. Keyed by the command's path below `mesh`. A new command adds its entry here (a test checks
 * that every registered command has one).
 */
export const EXAMPLES: Readonly<Record<string, readonly string[]>> = {
  init: [
    'mesh init --example music-streaming --yes         # the running example',
    'mesh init                                         # asks what to create',
    'mesh init producer songs --owner-contact catalog@example.com --storage relational --yes',
  ],
  validate: ['mesh validate', 'mesh validate --json              # problems as one JSON document', 'mesh -C ../other-mesh validate'],
  plan: [
    'mesh plan --detailed-exitcode     # exit 3 when changes are pending (CI)',
    'mesh plan --format markdown > plan.md',
    'mesh plan --out plan.json         # saved for `mesh apply plan.json`',
  ],
  apply: [
    'mesh apply --dry-run',
    'mesh apply --allow-breaking --allow-delete',
    'mesh apply plan.json              # exactly the saved plan; refused if the target changed since',
  ],
  'publish-product': [
    'mesh publish-product                # every product',
    'mesh publish-product songs podcasts',
    'mesh publish-product songs --dry-run',
  ],
  subscribe: [
    'mesh subscribe songs --domain recommendations          # the ports the domain file declares',
    'mesh subscribe songs --domain analytics --table        # adds the subscription to the domain file',
    'mesh subscribe interactions --domain recommendations --stream --dry-run',
  ],
  unsubscribe: ['mesh unsubscribe songs --domain analytics --dry-run', 'mesh unsubscribe songs --domain analytics --table'],
  access: [
    'mesh access list --pending',
    'mesh access request users --domain analytics --purpose "weekly cohorts" --columns user_id,country',
  ],
  'access request': [
    'mesh access request users --domain analytics --purpose "weekly cohorts"',
    'mesh access request users --domain analytics --columns user_id,country --purpose "cohorts" --until 2027-06-30',
  ],
  'access approve': ['mesh access approve <request-id>', 'mesh access approve <request-id> --columns user_id --until 2027-06-30'],
  'access deny': [
    'mesh access deny <request-id> --reason "country is enough"',
    'mesh access deny <request-id> --reason "no purpose" --dry-run',
  ],
  'access revoke': ['mesh access revoke <request-id> --reason "project ended"', 'mesh access revoke <request-id> --dry-run'],
  'access list': ['mesh access list', 'mesh access list --pending --product users'],
  'access log': ['mesh access log users', 'mesh --json access log users'],
  catalog: ['mesh catalog', 'mesh catalog song                 # products whose name, owner or columns match', 'mesh --json catalog'],
  describe: ['mesh describe songs', 'mesh --json describe interactions'],
  query: [
    'mesh query --domain recommendations "select genre, count(*) from songs group by 1"',
    'mesh --json query --domain recommendations "select * from podcasts limit 3"',
  ],
  transform: ['mesh transform items --domain recommendations', 'mesh transform items --domain recommendations --dry-run'],
  events: [
    'mesh events produce interactions --file domains/interactions/data/u0042-podcast-listens.jsonl',
    'mesh events tail interactions --from-beginning -c 5',
  ],
  'events produce': [
    'mesh events produce interactions --file domains/interactions/data/u0042-podcast-listens.jsonl',
    'cat listens.jsonl | mesh events produce interactions',
    'mesh events produce interactions --file big.jsonl --resume',
  ],
  'events tail': [
    'mesh events tail interactions --from-beginning -c 5',
    'mesh --json events tail interactions --from-beginning -e | head -3',
    'mesh events tail songs --group my-reader',
  ],
  dev: ['mesh dev', 'mesh dev --port 0 --no-functions', 'mesh dev --only interactions-handler'],
  personalize: ['mesh personalize train --domain recommendations', 'mesh personalize recommend --user u0042 --num 10'],
  'personalize train': [
    'mesh personalize train --domain recommendations',
    'mesh personalize train --domain recommendations --dry-run    # check the datasets only',
  ],
  'personalize deploy': ['mesh personalize deploy --domain recommendations', 'mesh personalize deploy --domain recommendations --dry-run'],
  'personalize status': ['mesh personalize status', 'mesh personalize status --no-wait'],
  'personalize recommend': ['mesh personalize recommend --user u0042 --num 10', 'mesh personalize recommend --item s0001 --num 5'],
  'personalize rollback': ['mesh personalize rollback --domain recommendations', 'mesh personalize rollback --solution personalized'],
  bootstrap: [
    'mesh --target aws bootstrap --dry-run',
    'mesh --target aws bootstrap',
    'mesh --target aws bootstrap --template cfn/ --format yaml    # CloudFormation instead of AWS calls',
  ],
  destroy: [
    'mesh --target aws destroy --dry-run        # everything the workspace made, in reverse order',
    'mesh --target aws destroy --yes --include-bootstrap',
  ],
  portal: [
    'mesh portal                        # http://127.0.0.1:7880',
    'mesh portal --port 0 --allow-writes',
    'mesh portal build --out site/',
  ],
  'portal build': ['mesh portal build --out site/', 'mesh -C ../other-mesh portal build --out /tmp/mesh-site'],
  status: ['mesh status', 'mesh --json status'],
  doctor: ['mesh doctor', 'mesh --target aws --profile central doctor'],
  unlock: ['mesh unlock <id>                   # the id is in the LockHeld message', 'mesh --target aws unlock <id>'],
};

function pathOf(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Appends the Examples section to every command that has an entry (and to its subcommands). */
export function addExamples(command: Command): Command {
  for (const sub of command.commands) {
    const examples = EXAMPLES[pathOf(sub)];
    if (examples) sub.addHelpText('after', ['', 'Examples:', ...examples.map((e) => `  ${e}`)].join('\n'));
    addExamples(sub);
  }
  return command;
}
