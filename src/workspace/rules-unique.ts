import type { DomainEntry, ProductEntry } from './entries.js';
import { ProblemCode } from './problems.js';
import type { Rule } from './rule.js';

/** Rules about names that must be unique: domains, products, topics, and within a domain subscriptions, functions, transforms. */

export const uniqueDomainNames: Rule = ({ domains }, report) => {
  const first = new Map<string, DomainEntry>();
  for (const entry of domains) {
    const seen = first.get(entry.domain.name);
    if (seen) {
      report.at(entry.source, ['name'], ProblemCode.DuplicateDomain, `Domain "${entry.domain.name}" is defined twice.`, {
        hint: `It is already defined in ${seen.source.rel}; rename one of them.`,
      });
    } else first.set(entry.domain.name, entry);
  }
};

export const uniqueProductNames: Rule = ({ products }, report) => {
  const first = new Map<string, ProductEntry>();
  for (const entry of products) {
    const seen = first.get(entry.product.name);
    if (seen) {
      report.at(entry.source, ['name'], ProblemCode.DuplicateProduct, `Product "${entry.product.name}" is defined twice.`, {
        hint: `It is already defined in ${seen.source.rel}; product names are unique across the mesh.`,
      });
    } else first.set(entry.product.name, entry);
  }
};

export const uniqueTopics: Rule = ({ products }, report) => {
  const first = new Map<string, ProductEntry>();
  for (const entry of products) {
    const topic = entry.product.stream?.topic;
    if (!topic || !entry.streamPortPath) continue;
    const seen = first.get(topic);
    if (seen) {
      report.at(
        entry.source,
        [...entry.streamPortPath, entry.topicExplicit ? 'topic' : 'entity'],
        ProblemCode.DuplicateTopic,
        `Topic "${topic}" is already the stream port of "${seen.product.name}".`,
        {
          hint: 'Give this stream port another entity (or major version).',
        },
      );
    } else first.set(topic, entry);
  }
};

/** Within a domain: one subscription per product, one definition per function, one transform per name. */
export const uniqueWithinDomain: Rule = ({ domains }, report) => {
  for (const entry of domains) {
    const products = new Set<string>();
    const functions = new Map<string, { handlerDir: string; handler: string }>();
    for (const [index, subscription] of entry.domain.subscriptions.entries()) {
      if (products.has(subscription.product)) {
        report.at(
          entry.source,
          ['subscriptions', index, 'product'],
          ProblemCode.DuplicateSubscription,
          `"${entry.domain.name}" subscribes to "${subscription.product}" twice.`,
          {
            hint: 'Merge the two entries: one subscription can have a table and a stream.',
          },
        );
      }
      products.add(subscription.product);
      const stream = subscription.stream;
      if (!stream) continue;
      const seen = functions.get(stream.function);
      if (seen && (seen.handlerDir !== stream.handlerDir || seen.handler !== stream.handler)) {
        report.at(
          entry.source,
          ['subscriptions', index, 'stream', 'function'],
          ProblemCode.DuplicateFunction,
          `Function "${stream.function}" is defined twice with different code.`,
          {
            hint: 'A function used by several subscriptions must have the same handlerDir and handler; or rename one.',
          },
        );
      } else if (!seen) functions.set(stream.function, { handlerDir: stream.handlerDir, handler: stream.handler });
    }
    const transforms = new Set<string>();
    for (const [index, transform] of entry.domain.transforms.entries()) {
      if (transforms.has(transform.name)) {
        report.at(
          entry.source,
          ['transforms', index, 'name'],
          ProblemCode.DuplicateTransform,
          `Transform "${transform.name}" is defined twice.`,
        );
      }
      transforms.add(transform.name);
    }
  }
};

/**
 * Names mesh generates as `<mesh>-<domain>-<name>`: Lambda functions (and their execution roles) and Glue jobs. Domain
 * and function names both hold dashes, so domain `a` with function `b-c` and domain `a-b` with function `c` generate
 * the same name; in one account each domain's apply would rewrite the other's function or job. The later domain (in
 * mesh.yaml order) is reported.
 */
export const generatedNamesUnique: Rule = ({ mesh, domains }, report) => {
  const first = new Map<string, DomainEntry>();
  const claim = (entry: DomainEntry, kind: string, name: string, at: (string | number)[], what: string) => {
    const generated = `${mesh.config.name}-${entry.domain.name}-${name}`;
    const key = `${kind}\n${entry.domain.access.account}\n${generated}`;
    const seen = first.get(key);
    if (!seen) first.set(key, entry);
    else if (seen !== entry && seen.domain.name !== entry.domain.name) {
      report.at(
        entry.source,
        at,
        ProblemCode.NameCollision,
        `${what} "${name}" of ${entry.domain.name} is named ${generated} in account ${entry.domain.access.account}, as one of domain "${seen.domain.name}" is.`,
        { hint: `Rename it in ${entry.source.rel}: mesh names it <mesh>-<domain>-<name>, and ${seen.source.rel} generates the same name.` },
      );
    }
  };
  // IAM role names (case-insensitive in IAM): a domain's role (`mesh-<domain>`, or the one its file names) and a
  // function's execution role (`<mesh>-<domain>-<function>-exec`). A domain named like another domain's execution
  // role would have bootstrap and that consumer's apply rewrite one role's trust and policy for the other. (Two
  // execution roles collide only when their functions do, reported above.) The later domain in mesh.yaml is reported.
  const domainRoles = new Map<string, DomainEntry>();
  for (const entry of domains) domainRoles.set(`${entry.domain.access.account}\n${entry.domain.roleName.toLowerCase()}`, entry);
  const order = new Map(domains.map((entry, index) => [entry, index]));
  const reportedRoles = new Set<string>();
  const execRoleClashes = (entry: DomainEntry, fn: string, at: (string | number)[]) => {
    const role = `${mesh.config.name}-${entry.domain.name}-${fn}-exec`;
    const owner = domainRoles.get(`${entry.domain.access.account}\n${role.toLowerCase()}`);
    if (!owner || owner.domain.name === entry.domain.name || reportedRoles.has(role)) return;
    reportedRoles.add(role);
    const [later, other] = (order.get(owner) ?? 0) > (order.get(entry) ?? 0) ? [owner, entry] : [entry, owner];
    report.at(
      later.source,
      later === owner ? ['name'] : at,
      ProblemCode.NameCollision,
      `The IAM role ${role} in account ${entry.domain.access.account} would be both the domain role of "${owner.domain.name}" and the execution role of function "${fn}" of "${entry.domain.name}".`,
      {
        hint: `Rename the domain or the function in ${later.source.rel}: IAM role names are unique per account, whatever their case (other: ${other.source.rel}).`,
      },
    );
  };
  for (const entry of domains) {
    for (const [index, subscription] of entry.domain.subscriptions.entries()) {
      const fn = subscription.stream?.function;
      if (fn !== undefined) {
        claim(entry, 'lambda', fn, ['subscriptions', index, 'stream', 'function'], 'Function');
        execRoleClashes(entry, fn, ['subscriptions', index, 'stream', 'function']);
      }
    }
    for (const [index, transform] of entry.domain.transforms.entries()) {
      if (transform.engine === 'glue') claim(entry, 'glue-job', transform.name, ['transforms', index, 'name'], 'Transform');
    }
  }
};
