/**
 * Which AWS account a domain runs in is the platform's decision, not the domain's. A domain file names its `account`,
 * and mesh then uses that account's credentials (in CI: its deploy role) to create the domain's databases, functions
 * and policies there. Domain folders are reviewed by their own team (CODEOWNERS), so a team could name another
 * team's account and have its functions, with its declared permissions, created in it. mesh.yaml, which the platform
 * team owns, may assign each domain its account (`domainAccounts`); then a domain file must name exactly that one.
 */
import { ProblemCode } from './problems.js';
import type { Rule } from './rule.js';

export const domainAccountsAssigned: Rule = ({ mesh, domains }, report) => {
  const assigned = mesh.config.domainAccounts;
  if (assigned === undefined) return;
  for (const entry of domains) {
    const name = entry.raw.name;
    const account = String(entry.raw.account);
    const expected = Object.hasOwn(assigned, name) ? assigned[name] : undefined;
    if (expected === account) continue;
    report.at(
      entry.source,
      ['account'],
      ProblemCode.AccountNotAssigned,
      expected === undefined
        ? `mesh.yaml assigns no account to the ${name} domain (domainAccounts), so it may not run in ${account}.`
        : `The ${name} domain names account ${account}, but mesh.yaml assigns it ${expected}.`,
      {
        hint:
          expected === undefined
            ? `The owners of mesh.yaml add it: domainAccounts: { ${name}: "${account}" }.`
            : `Use account: "${expected}", or ask the owners of mesh.yaml to change the assignment.`,
      },
    );
  }
};
