/** Kafka topic name rules, and matching a name against the mesh's topic pattern. */

export function kafkaTopicProblem(name: string): string | undefined {
  if (name === '.' || name === '..') return `"${name}" is not allowed as a topic name.`;
  if (name.length === 0 || name.length > 249) return `a topic name has 1 to 249 characters; "${name.slice(0, 40)}…" has ${name.length}.`;
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) return `"${name}" has characters Kafka does not allow (only letters, digits, ".", "_" and "-").`;
  if (name.startsWith('__')) return `"${name}" starts with "__", which Kafka reserves for internal topics.`;
  return undefined;
}

/** A regular expression for names the pattern produces for one domain, e.g. `mesh\.songs\.[A-Za-z0-9_-]+\.v\d+`. */
export function topicPatternRegExp(pattern: string, values: { mesh: string; domain: string }): RegExp {
  const parts = pattern.split(/(\{\w+\})/).map((part) => {
    switch (part) {
      case '{mesh}':
        return escapeRegExp(values.mesh);
      case '{domain}':
        return escapeRegExp(values.domain);
      case '{entity}':
        return '[A-Za-z0-9_-]+';
      case '{major}':
        return '\\d+';
      default:
        return escapeRegExp(part);
    }
  });
  return new RegExp(`^${parts.join('')}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
