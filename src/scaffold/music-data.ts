import { SeededRandom } from './seeded-random.js';

/**
 * Sample data for the music-streaming example, generated from a seed: users with taste clusters (a main and a second
 * genre; some are podcast fans whose favourite category goes with their genre), songs, podcast episodes and
 * timestamped listening sessions, so that a recommender has something to learn.
 * The demo user `u0042` has only played songs (no skips, likes or podcasts): send podcast listens for them and watch
 * podcasts appear among their recommendations.
 */
export const MUSIC_DEMO_USER = 'u0042';
export const MUSIC_GENRES = ['pop', 'rock', 'hip-hop', 'electronic', 'jazz', 'classical', 'country', 'indie'] as const;
export const PODCAST_CATEGORIES = ['technology', 'true-crime', 'comedy', 'news', 'sports', 'science'] as const;
/** The podcast category fans of each genre tend to like. */
export const GENRE_PODCAST_AFFINITY: Readonly<Record<string, string>> = {
  pop: 'comedy',
  rock: 'true-crime',
  'hip-hop': 'sports',
  electronic: 'technology',
  jazz: 'news',
  classical: 'science',
  country: 'news',
  indie: 'comedy',
};
/** End of the listening window: 2026-11-01T00:00:00Z. Fixed so the data is the same on every machine. */
export const MUSIC_DATA_END_EPOCH = Date.UTC(2026, 10, 1) / 1000;

export interface MusicDataOptions {
  readonly seed?: number;
  readonly users?: number;
  readonly songs?: number;
  readonly episodes?: number;
  readonly interactions?: number;
  readonly endEpochSeconds?: number;
  readonly days?: number;
}

export interface UserRow {
  user_id: string;
  email: string;
  country: string;
  birth_year: number | null;
  subscription_tier: 'free' | 'premium';
  preferred_genre: string | null;
  signup_ts: number;
}
export interface SongRow {
  song_id: string;
  title: string;
  artist: string;
  album: string | null;
  genre: string;
  duration_seconds: number;
  release_year: number;
  explicit: boolean;
}
export interface EpisodeRow {
  episode_id: string;
  show_name: string;
  episode_title: string;
  category: string;
  duration_seconds: number;
  published_ts: number;
}
export interface InteractionRow {
  event_id: string;
  user_id: string;
  item_id: string;
  content_type: 'song' | 'podcast';
  event_type: 'play' | 'skip' | 'like';
  session_id: string;
  timestamp: number;
}
export interface MusicData {
  readonly users: UserRow[];
  readonly songs: SongRow[];
  readonly podcasts: EpisodeRow[];
  readonly interactions: InteractionRow[];
}

interface Taste {
  readonly primary: string;
  readonly secondary: string;
  readonly podcastCategories: readonly string[];
  readonly activity: number;
}

const FIRST = [
  'alex',
  'sam',
  'maria',
  'li',
  'noah',
  'emma',
  'yuki',
  'omar',
  'lea',
  'ivan',
  'sofia',
  'raj',
  'ana',
  'tom',
  'zoe',
  'ben',
  'mia',
  'leo',
  'ines',
  'kai',
];
const LAST = [
  'smith',
  'garcia',
  'chen',
  'muller',
  'rossi',
  'silva',
  'kim',
  'novak',
  'jensen',
  'dubois',
  'tanaka',
  'khan',
  'lopez',
  'berg',
  'walsh',
];
const COUNTRIES = ['US', 'GB', 'DE', 'FR', 'BR', 'SE', 'JP', 'CA', 'AU', 'MX'];
const COUNTRY_WEIGHTS = [30, 12, 10, 8, 10, 5, 7, 7, 5, 6];
const GENRE_WEIGHTS = [22, 18, 16, 12, 8, 6, 8, 10];
const ADJECTIVES = [
  'Velvet',
  'Neon',
  'Silent',
  'Golden',
  'Electric',
  'Midnight',
  'Crimson',
  'Wild',
  'Paper',
  'Lunar',
  'Broken',
  'Lucky',
  'Hidden',
  'Northern',
  'Slow',
];
const NOUNS = [
  'Echoes',
  'Rivers',
  'Engines',
  'Hearts',
  'Lights',
  'Foxes',
  'Satellites',
  'Roads',
  'Waves',
  'Mirrors',
  'Gardens',
  'Tides',
  'Signals',
  'Horizons',
  'Parades',
];
const WORDS = [
  'Summer',
  'Fire',
  'Home',
  'Dream',
  'Night',
  'Rain',
  'Stars',
  'Gold',
  'Run',
  'Ocean',
  'City',
  'Ghost',
  'Fever',
  'Blue',
  'Light',
  'Heart',
  'Storm',
  'Dance',
  'Shadow',
  'Sky',
];
const SHOW_WORDS: Readonly<Record<string, readonly string[]>> = {
  technology: ['Byte', 'Stack', 'Circuit', 'Cloud', 'Kernel'],
  'true-crime': ['Cold Case', 'Alibi', 'Evidence', 'Suspect', 'Verdict'],
  comedy: ['Laugh Track', 'Punchline', 'Open Mic', 'Deadpan', 'Sketchy'],
  news: ['Daily Brief', 'Dispatch', 'Headlines', 'The Ledger', 'Wire'],
  sports: ['Full Time', 'Box Score', 'Extra Innings', 'The Huddle', 'Sideline'],
  science: ['Lab Notes', 'Orbit', 'Quantum', 'Field Work', 'Hypothesis'],
};
const TOPICS = [
  'the beginning',
  'what comes next',
  'an interview',
  'listener questions',
  'a deep dive',
  'the big picture',
  'behind the scenes',
  'a year in review',
  'the unsolved part',
  'mailbag',
];

export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function makeUsers(random: SeededRandom, count: number, end: number): { users: UserRow[]; tastes: Map<string, Taste> } {
  const users: UserRow[] = [];
  const tastes = new Map<string, Taste>();
  for (let i = 1; i <= count; i++) {
    const id = `u${pad(i, 4)}`;
    const demo = id === MUSIC_DEMO_USER;
    const primary = demo ? 'electronic' : random.weighted(MUSIC_GENRES, GENRE_WEIGHTS);
    let secondary = random.weighted(MUSIC_GENRES, GENRE_WEIGHTS);
    while (secondary === primary) secondary = random.pick(MUSIC_GENRES);
    const fan = !demo && random.chance(0.4);
    const categories: string[] = [];
    if (fan) {
      categories.push(GENRE_PODCAST_AFFINITY[primary] ?? 'news');
      if (random.chance(0.5)) categories.push(random.pick(PODCAST_CATEGORIES));
    }
    const activity = demo ? 1.2 : Math.exp(random.gaussian() * 0.7);
    tastes.set(id, { primary, secondary, podcastCategories: [...new Set(categories)], activity });
    const first = random.pick(FIRST);
    const last = random.pick(LAST);
    users.push({
      user_id: id,
      email: `${first}.${last}${i}@example.com`,
      country: random.weighted(COUNTRIES, COUNTRY_WEIGHTS),
      birth_year: random.chance(0.1) ? null : random.int(1955, 2008),
      subscription_tier: random.chance(0.35) ? 'premium' : 'free',
      preferred_genre: random.chance(0.7) ? primary : null,
      signup_ts: end - random.int(91 * 86_400, 3 * 365 * 86_400),
    });
  }
  return { users, tastes };
}

function makeSongs(random: SeededRandom, count: number): SongRow[] {
  const artists = new Map<string, string[]>();
  for (const genre of MUSIC_GENRES) {
    artists.set(
      genre,
      Array.from({ length: 8 }, () =>
        random.chance(0.5)
          ? `The ${random.pick(ADJECTIVES)} ${random.pick(NOUNS)}`
          : `${random.pick(FIRST)[0]?.toUpperCase()}${random.pick(FIRST).slice(1)} ${random.pick(ADJECTIVES)}`,
      ),
    );
  }
  const songs: SongRow[] = [];
  for (let i = 1; i <= count; i++) {
    const genre = random.weighted(MUSIC_GENRES, GENRE_WEIGHTS);
    const old = genre === 'jazz' || genre === 'classical';
    songs.push({
      song_id: `s${pad(i, 4)}`,
      title: `${random.pick(WORDS)} ${random.pick(WORDS)}`,
      artist: random.pick(artists.get(genre) ?? ['Unknown']),
      album: random.chance(0.15) ? null : `${random.pick(ADJECTIVES)} ${random.pick(WORDS)}`,
      genre,
      duration_seconds: genre === 'classical' ? random.int(240, 900) : random.int(130, 330),
      release_year: old ? random.int(1955, 2026) : Math.min(2026, 2026 - Math.floor(Math.abs(random.gaussian()) * 12)),
      explicit: random.chance(genre === 'hip-hop' ? 0.5 : 0.08),
    });
  }
  return songs;
}

function makeEpisodes(random: SeededRandom, count: number, end: number): EpisodeRow[] {
  const shows = PODCAST_CATEGORIES.flatMap((category) =>
    (SHOW_WORDS[category] ?? []).map((word) => ({
      name: `${word} ${random.pick(['Weekly', 'Hour', 'Radio', 'Show', 'Talks'])}`,
      category,
    })),
  );
  const episodes: EpisodeRow[] = [];
  for (let i = 1; i <= count; i++) {
    const show = shows[(i - 1) % shows.length] ?? { name: 'Show', category: 'news' };
    const number = Math.floor((i - 1) / shows.length) + 1;
    episodes.push({
      episode_id: `p${pad(i, 4)}`,
      show_name: show.name,
      episode_title: `Episode ${number}: ${random.pick(TOPICS)}`,
      category: show.category,
      duration_seconds: random.int(900, 5400),
      published_ts: end - random.int(86_400, 365 * 86_400),
    });
  }
  return episodes;
}

/** Popularity within a group: a few hits, a long tail. */
function popularity<T>(random: SeededRandom, items: readonly T[]): number[] {
  return items.map((_, rank) => (1 / (rank + 1) ** 0.8) * (0.5 + random.next()));
}

export function generateMusicData(options: MusicDataOptions = {}): MusicData {
  const random = new SeededRandom(options.seed ?? 42);
  const end = options.endEpochSeconds ?? MUSIC_DATA_END_EPOCH;
  const days = options.days ?? 90;
  const { users, tastes } = makeUsers(random, options.users ?? 500, end);
  const songs = makeSongs(random, options.songs ?? 400);
  const podcasts = makeEpisodes(random, options.episodes ?? 150, end);
  const songsByGenre = new Map(MUSIC_GENRES.map((g) => [g as string, songs.filter((s) => s.genre === g)]));
  const songWeights = new Map([...songsByGenre].map(([g, list]) => [g, popularity(random, list)]));
  const episodesByCategory = new Map(PODCAST_CATEGORIES.map((c) => [c as string, podcasts.filter((p) => p.category === c)]));
  const episodeWeights = new Map([...episodesByCategory].map(([c, list]) => [c, popularity(random, list)]));

  const target = options.interactions ?? 30_000;
  const totalActivity = [...tastes.values()].reduce((sum, t) => sum + t.activity, 0);
  const events: Omit<InteractionRow, 'event_id'>[] = [];
  for (const user of users) {
    const taste = tastes.get(user.user_id);
    if (!taste) continue;
    const demo = user.user_id === MUSIC_DEMO_USER;
    let budget = Math.max(12, Math.round((taste.activity / totalActivity) * target));
    let session = 0;
    while (budget > 0) {
      session++;
      const sessionId = `${user.user_id}-s${pad(session, 3)}`;
      let time = end - random.int(4 * 3600, days * 86_400);
      const podcastSession = taste.podcastCategories.length > 0 && random.chance(0.45);
      const length = Math.min(budget, podcastSession ? random.int(2, 5) : random.int(3, 12));
      for (let k = 0; k < length && budget > 0; k++) {
        let itemId: string;
        let duration: number;
        let inTaste: boolean;
        if (podcastSession) {
          const category = random.chance(0.8) ? random.pick(taste.podcastCategories) : random.pick(PODCAST_CATEGORIES);
          const episode = random.weighted(episodesByCategory.get(category) ?? podcasts, episodeWeights.get(category) ?? []);
          itemId = episode.episode_id;
          duration = Math.round(episode.duration_seconds * (0.3 + random.next() * 0.7));
          inTaste = taste.podcastCategories.includes(category);
        } else {
          const roll = random.next();
          const genre = roll < 0.7 ? taste.primary : roll < 0.9 ? taste.secondary : random.pick(MUSIC_GENRES);
          const song = random.weighted(songsByGenre.get(genre) ?? songs, songWeights.get(genre) ?? []);
          itemId = song.song_id;
          duration = song.duration_seconds;
          inTaste = genre !== undefined && (genre === taste.primary || genre === taste.secondary);
        }
        const contentType = podcastSession ? 'podcast' : 'song';
        const skip = !demo && random.chance(inTaste ? 0.12 : 0.5);
        events.push({
          user_id: user.user_id,
          item_id: itemId,
          content_type: contentType,
          event_type: skip ? 'skip' : 'play',
          session_id: sessionId,
          timestamp: time,
        });
        budget--;
        time += skip ? random.int(5, 40) : duration;
        if (!skip && !demo && budget > 0 && random.chance(inTaste ? 0.12 : 0.02)) {
          events.push({
            user_id: user.user_id,
            item_id: itemId,
            content_type: contentType,
            event_type: 'like',
            session_id: sessionId,
            timestamp: time - random.int(1, 30),
          });
          budget--;
        }
        time += random.int(1, 5);
      }
    }
  }
  events.sort((a, b) => a.timestamp - b.timestamp || a.user_id.localeCompare(b.user_id) || a.session_id.localeCompare(b.session_id));
  const interactions = events.map((e, i) => ({ event_id: `e${pad(i + 1, 6)}`, ...e }));
  return { users, songs, podcasts, interactions };
}
