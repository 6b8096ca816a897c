import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { GENRE_PODCAST_AFFINITY, generateMusicData, MUSIC_DATA_END_EPOCH, MUSIC_DEMO_USER } from '../../src/scaffold/music-data.js';
import { musicCsvFiles } from '../../src/scaffold/music-files.js';
import { templatesDir } from '../../src/scaffold/template-files.js';

const data = generateMusicData();

describe('music-streaming sample data', () => {
  test('deterministic from the seed; another seed gives other data', () => {
    expect(musicCsvFiles(generateMusicData())).toEqual(musicCsvFiles(data));
    expect(musicCsvFiles(generateMusicData({ seed: 7 })).interactions).not.toEqual(musicCsvFiles(data).interactions);
  });

  test('sizes: hundreds of users, songs and episodes; tens of thousands of listens', () => {
    expect(data.users).toHaveLength(500);
    expect(data.songs).toHaveLength(400);
    expect(data.podcasts).toHaveLength(150);
    expect(data.interactions.length).toBeGreaterThan(29_000);
    expect(data.interactions.length).toBeLessThan(31_000);
  });

  test('listens: epoch seconds over the last 90 days, sorted, unique ids, known users and items', () => {
    const users = new Set(data.users.map((u) => u.user_id));
    const items = new Set([...data.songs.map((s) => s.song_id), ...data.podcasts.map((p) => p.episode_id)]);
    const ids = new Set(data.interactions.map((i) => i.event_id));
    expect(ids.size).toBe(data.interactions.length);
    let previous = 0;
    const wrong: unknown[] = [];
    for (const i of data.interactions) {
      const fine =
        Number.isInteger(i.timestamp) &&
        i.timestamp >= previous &&
        users.has(i.user_id) &&
        items.has(i.item_id) &&
        i.content_type === (i.item_id.startsWith('p') ? 'podcast' : 'song');
      if (!fine) wrong.push(i);
      previous = i.timestamp;
    }
    expect(wrong).toEqual([]);
    expect(data.interactions[0]?.timestamp).toBeGreaterThanOrEqual(MUSIC_DATA_END_EPOCH - 90 * 86_400);
    expect(previous).toBeLessThanOrEqual(MUSIC_DATA_END_EPOCH);
    const types = new Set(data.interactions.map((i) => i.event_type));
    expect(types).toEqual(new Set(['play', 'skip', 'like']));
    // every user has enough history for Personalize (>= 2 interactions each)
    const perUser = new Map<string, number>();
    for (const i of data.interactions) perUser.set(i.user_id, (perUser.get(i.user_id) ?? 0) + 1);
    expect(Math.min(...perUser.values())).toBeGreaterThanOrEqual(12);
  });

  test(`demo user ${MUSIC_DEMO_USER} has only played songs`, () => {
    const mine = data.interactions.filter((i) => i.user_id === MUSIC_DEMO_USER);
    expect(mine.length).toBeGreaterThan(30);
    expect(new Set(mine.map((i) => `${i.content_type}/${i.event_type}`))).toEqual(new Set(['song/play']));
  });

  test('taste clusters a recommender can learn: genre loyalty, podcast fans, genre-linked podcast categories', () => {
    const genreOf = new Map(data.songs.map((s) => [s.song_id, s.genre]));
    const categoryOf = new Map(data.podcasts.map((p) => [p.episode_id, p.category]));
    const plays = data.interactions.filter((i) => i.event_type === 'play');
    // share of a user's song plays in their top genre: far above the 1/8 of random listening
    const byUser = new Map<string, string[]>();
    for (const i of plays)
      if (i.content_type === 'song') byUser.set(i.user_id, [...(byUser.get(i.user_id) ?? []), genreOf.get(i.item_id) ?? '']);
    const loyalty = [...byUser.values()].map((genres) => {
      const counts = new Map<string, number>();
      for (const g of genres) counts.set(g, (counts.get(g) ?? 0) + 1);
      return Math.max(...counts.values()) / genres.length;
    });
    expect(loyalty.reduce((a, b) => a + b, 0) / loyalty.length).toBeGreaterThan(0.5);
    // some users listen to podcasts, most do not
    const podcastUsers = new Set(data.interactions.filter((i) => i.content_type === 'podcast').map((i) => i.user_id));
    expect(podcastUsers.size).toBeGreaterThan(100);
    expect(podcastUsers.size).toBeLessThan(300);
    // a podcast fan's most played category goes with their top genre more often than chance (1/6)
    let linked = 0;
    let fans = 0;
    for (const user of podcastUsers) {
      const genres = byUser.get(user) ?? [];
      const top = [...new Set(genres)].sort((a, b) => genres.filter((g) => g === b).length - genres.filter((g) => g === a).length)[0];
      const cats = plays.filter((i) => i.user_id === user && i.content_type === 'podcast').map((i) => categoryOf.get(i.item_id));
      const topCat = [...new Set(cats)].sort((a, b) => cats.filter((c) => c === b).length - cats.filter((c) => c === a).length)[0];
      if (!top || !topCat) continue;
      fans++;
      if (GENRE_PODCAST_AFFINITY[top] === topCat) linked++;
    }
    expect(linked / fans).toBeGreaterThan(0.5);
  });

  test('CSV headers list the columns of each product contract, in order', async () => {
    const csv = musicCsvFiles(data);
    for (const product of ['users', 'songs', 'podcasts', 'interactions'] as const) {
      const contract = parse(
        await readFile(path.join(templatesDir(), 'examples/music-streaming/domains', product, 'products', `${product}.odcs.yaml`), 'utf8'),
      ) as { schema: { properties: { name: string }[] }[] };
      const columns = contract.schema[0]?.properties.map((p) => p.name);
      expect(csv[product].split('\n')[0]?.split(',')).toEqual(columns);
    }
    expect(csv.interactions.split('\n')[1]).toMatch(/^e000001,u\d{4},[sp]\d{4},(song|podcast),(play|skip|like),u\d{4}-s\d{3},\d{10}$/);
    expect(csv.users).toContain(',,'); // null cells are empty
  });
});
