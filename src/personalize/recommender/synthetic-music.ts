/**
 * A seeded, music-streaming-like data set for tests and benchmarks: songs in genres, podcasts in topics,
 * users with a main and a side genre, some podcast listeners, taste drift, replays and Zipf popularity
 * inside each cluster. Same seed → same data.
 */
import type { Random } from './random.js';
import { pickCumulative, seededRandom } from './random.js';
import type { Interaction, ItemRecord, UserRecord } from './types.js';

export interface MusicDatasetOptions {
  seed?: number;
  users?: number;
  songs?: number;
  podcasts?: number;
  genres?: number;
  topics?: number;
  /** Mean events per user (geometric-like, at least 3). */
  eventsPerUser?: number;
  /** Epoch seconds of the first possible event. */
  startTimestamp?: number;
  /** Span in days over which users start. */
  days?: number;
}

export interface MusicDataset {
  interactions: Interaction[];
  items: ItemRecord[];
  users: UserRecord[];
}

const DEVICES = ['mobile', 'desktop', 'speaker'];
const COUNTRIES = ['DE', 'FR', 'US', 'BR', 'JP'];
const AGE_GROUPS = ['18-24', '25-34', '35-49', '50+'];

function cumulative(weights: readonly number[]): Float64Array {
  const c = new Float64Array(weights.length);
  let s = 0;
  weights.forEach((w, i) => {
    s += w;
    c[i] = s;
  });
  return c;
}

function zipf(n: number, exponent: number): Float64Array {
  return cumulative(Array.from({ length: n }, (_, r) => 1 / (r + 1) ** exponent));
}

function pick<T>(list: readonly T[], random: Random): T {
  return list[Math.floor(random() * list.length)] as T;
}

interface Taste {
  main: number;
  side: number;
  laterMain: number;
  topic: number;
  podcastShare: number;
  /** Fraction of the user's timeline after which podcasts start (0 = from the start). */
  podcastFrom: number;
}

export function generateMusicDataset(options: MusicDatasetOptions = {}): MusicDataset {
  const random = seededRandom(options.seed ?? 7);
  const nUsers = options.users ?? 2000;
  const nSongs = options.songs ?? 500;
  const nPodcasts = options.podcasts ?? 100;
  const nGenres = options.genres ?? 10;
  const nTopics = options.topics ?? 5;
  const meanEvents = options.eventsPerUser ?? 30;
  const start = options.startTimestamp ?? 1_717_200_000; // 2024-06-01
  const spanSeconds = (options.days ?? 90) * 86_400;

  const items: ItemRecord[] = [];
  const songsByGenre: string[][] = Array.from({ length: nGenres }, () => []);
  for (let k = 0; k < nSongs; k++) {
    const g = k % nGenres;
    const id = `song-${String(k).padStart(5, '0')}`;
    songsByGenre[g]?.push(id);
    items.push({
      itemId: id,
      props: {
        CONTENT_TYPE: 'song',
        GENRE: `genre-${g}`,
        ARTIST: `artist-${g}-${Math.floor(k / nGenres) % 12}`,
        DURATION_S: String(120 + Math.floor(random() * 300)),
      },
    });
  }
  const podcastsByTopic: string[][] = Array.from({ length: nTopics }, () => []);
  for (let k = 0; k < nPodcasts; k++) {
    const t = k % nTopics;
    const id = `podcast-${String(k).padStart(4, '0')}`;
    podcastsByTopic[t]?.push(id);
    items.push({
      itemId: id,
      props: { CONTENT_TYPE: 'podcast', TOPIC: `topic-${t}`, DURATION_S: String(900 + Math.floor(random() * 2700)) },
    });
  }
  const songZipf = songsByGenre.map((list) => zipf(list.length, 0.9));
  const podcastZipf = podcastsByTopic.map((list) => zipf(list.length, 0.9));
  const genreWeights = cumulative(Array.from({ length: nGenres }, (_, g) => 1 / (g + 1) ** 0.6));
  const topicWeights = cumulative(Array.from({ length: nTopics }, (_, t) => 1 / (t + 1) ** 0.6));

  const drawSong = (g: number): string => {
    const list = songsByGenre[g] as string[];
    return list[pickCumulative(songZipf[g] as Float64Array, random)] as string;
  };
  const drawPodcast = (t: number): string => {
    const list = podcastsByTopic[t] as string[];
    return list[pickCumulative(podcastZipf[t] as Float64Array, random)] as string;
  };

  const users: UserRecord[] = [];
  const interactions: Interaction[] = [];
  for (let u = 0; u < nUsers; u++) {
    const userId = `user-${String(u).padStart(6, '0')}`;
    users.push({ userId, props: { COUNTRY: pick(COUNTRIES, random), AGE_GROUP: pick(AGE_GROUPS, random) } });
    const main = pickCumulative(genreWeights, random);
    const side = pickCumulative(genreWeights, random);
    const listener = random() < 0.45;
    const taste: Taste = {
      main,
      side,
      laterMain: random() < 0.3 ? pickCumulative(genreWeights, random) : main,
      topic: pickCumulative(topicWeights, random),
      podcastShare: listener ? 0.15 + random() * 0.35 : 0,
      podcastFrom: listener && random() < 0.4 ? 0.5 + random() * 0.3 : 0,
    };
    const nEvents = Math.max(3, Math.round(-Math.log(1 - random()) * meanEvents));
    let ts = start + Math.floor(random() * (spanSeconds / 2));
    const played: string[] = [];
    const device = pick(DEVICES, random);
    for (let e = 0; e < nEvents; e++) {
      ts += 60 + Math.floor(-Math.log(1 - random()) * 6 * 3600);
      const progress = e / nEvents;
      let itemId: string;
      if (played.length > 3 && random() < 0.15) {
        itemId = pick(played, random); // replay
      } else if (progress >= taste.podcastFrom && random() < taste.podcastShare) {
        itemId = drawPodcast(random() < 0.85 ? taste.topic : Math.floor(random() * nTopics));
      } else {
        const r = random();
        const mainNow = progress > 0.5 ? taste.laterMain : taste.main;
        const g = r < 0.7 ? mainNow : r < 0.9 ? taste.side : Math.floor(random() * nGenres);
        itemId = drawSong(g);
      }
      played.push(itemId);
      interactions.push({ userId, itemId, timestamp: ts, eventType: 'play', props: { DEVICE: device } });
    }
  }
  interactions.sort((a, b) => a.timestamp - b.timestamp);
  return { interactions, items, users };
}
