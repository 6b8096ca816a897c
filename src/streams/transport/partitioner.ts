/**
 * Kafka's default partitioner for keyed records: `toPositive(murmur2(keyBytes)) % numPartitions`, the same
 * arithmetic as `org.apache.kafka.common.utils.Utils.murmur2` (and kafkajs' DefaultPartitioner), so a key lands
 * in the embedded log on the partition where Kafka would put it. Java int arithmetic is done with Math.imul and `| 0`.
 */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  const seed = 0x9747b28c;
  const m = 0x5bd1e995;
  const r = 24;
  let h = (seed ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k =
      ((data[i4] ?? 0) & 0xff) |
      (((data[i4 + 1] ?? 0) & 0xff) << 8) |
      (((data[i4 + 2] ?? 0) & 0xff) << 16) |
      (((data[i4 + 3] ?? 0) & 0xff) << 24);
    k = Math.imul(k, m);
    k ^= k >>> r;
    k = Math.imul(k, m);
    h = Math.imul(h, m);
    h ^= k;
  }
  const tail = length & ~3;
  const rest = length % 4;
  // Java's switch falls through from case 3 to case 1; spelled out as ifs.
  if (rest >= 3) h ^= ((data[tail + 2] ?? 0) & 0xff) << 16;
  if (rest >= 2) h ^= ((data[tail + 1] ?? 0) & 0xff) << 8;
  if (rest >= 1) {
    h ^= (data[tail] ?? 0) & 0xff;
    h = Math.imul(h, m);
  }
  h ^= h >>> 13;
  h = Math.imul(h, m);
  h ^= h >>> 15;
  return h | 0;
}

/** The partition Kafka's default partitioner picks for a non-null key. */
export function partitionForKey(key: Uint8Array, partitionCount: number): number {
  return (murmur2(key) & 0x7fffffff) % partitionCount;
}

/** Picks partitions the way Kafka producers do: murmur2 for keys, round-robin for null keys. */
export class KeyPartitioner {
  private readonly roundRobin = new Map<string, number>();

  pick(topic: string, key: Uint8Array | null, partitionCount: number): number {
    if (key !== null) return partitionForKey(key, partitionCount);
    const next = this.roundRobin.get(topic) ?? 0;
    this.roundRobin.set(topic, next + 1);
    return next % partitionCount;
  }
}
