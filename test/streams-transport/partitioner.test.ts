import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeyPartitioner, murmur2, partitionForKey } from '../../src/streams/transport/partitioner.js';

// kafkajs' own (Java-compatible) murmur2, as the reference implementation.
const kafkajsMurmur2 = createRequire(import.meta.url)('kafkajs/src/producer/partitioners/default/murmur2.js') as (key: Buffer) => number;

describe('Kafka default partitioner', () => {
  it('matches the murmur2 values of Kafka’s own UtilsTest', () => {
    const expected: Record<string, number> = {
      '21': -973932308,
      foobar: -790332482,
      'a-little-bit-long-string': -985981536,
      'a-little-bit-longer-string': -1486304829,
      lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8: -58897971,
      abc: 479470107,
    };
    for (const [key, hash] of Object.entries(expected)) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it('agrees with kafkajs on any key bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.integer({ min: 1, max: 64 }), (bytes, partitions) => {
        const key = Buffer.from(bytes);
        expect(murmur2(key)).toBe(kafkajsMurmur2(key));
        const partition = partitionForKey(key, partitions);
        expect(partition).toBe((kafkajsMurmur2(key) & 0x7fffffff) % partitions);
      }),
      { numRuns: 2_000 },
    );
  });

  it('spreads null keys round-robin per topic', () => {
    const partitioner = new KeyPartitioner();
    const picks = Array.from({ length: 6 }, () => partitioner.pick('a', null, 3));
    expect(picks).toEqual([0, 1, 2, 0, 1, 2]);
    expect(partitioner.pick('b', null, 3)).toBe(0);
    expect(partitioner.pick('a', Buffer.from('foobar'), 3)).toBe((-790332482 & 0x7fffffff) % 3);
  });
});
