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
