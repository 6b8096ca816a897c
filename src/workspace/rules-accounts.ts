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
  // An entry that names no domain is one a team could take by renaming its domain: say so (once every domain file
  // listed has loaded: a domain whose file has problems of its own is not missing).
  const names = new Set(domains.map((d) => d.raw.name));
  const allLoaded = domains.length >= (mesh.raw.domains ?? []).length;
  for (const domain of Object.keys(assigned)) {
    if (!allLoaded || names.has(domain)) continue;
    report.at(
      mesh.source,
      ['domainAccounts', domain],
      ProblemCode.AccountNotAssigned,
      `domainAccounts assigns ${assigned[domain]} to "${domain}", which is no domain of this mesh: a domain renamed to it would run there.`,
      { severity: 'warning', hint: `Remove the entry from mesh.yaml, or add the domain it was for.` },
    );
  }
  for (const entry of domains) {
    const name = entry.raw.name;
    const account = String(entry.raw.account);
    // The role mesh assumes for the domain decides the account just as much as `account` does.
    const roleAccount = /^arn:aws[\w-]*:iam::(\d{12}):role\//.exec(entry.raw.roleArn ?? '')?.[1];
    if (roleAccount !== undefined && roleAccount !== account) {
      report.at(
        entry.source,
        ['roleArn'],
        ProblemCode.AccountNotAssigned,
        `The ${name} domain's roleArn is a role in account ${roleAccount}, not in its account ${account}.`,
        { hint: `Name a role in ${account} (mesh assumes it to act in the domain's account).` },
      );
    }
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
