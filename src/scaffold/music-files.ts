import { GENRE_PODCAST_AFFINITY, MUSIC_DATA_END_EPOCH, MUSIC_DEMO_USER, type MusicData, pad } from './music-data.js';

/** The music example's sample files: a CSV per product, and new listens for the demo. */

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Rows as CSV with a header; the columns in the given order, null as an empty cell. */
export function toCsv<T extends object>(rows: readonly T[], columns: readonly (keyof T & string)[]): string {
  const lines = [columns.join(',')];
  for (const row of rows) lines.push(columns.map((c) => csvCell(row[c])).join(','));
  return `${lines.join('\n')}\n`;
}

/** The four sample files, keyed by product name, columns in contract order. */
export function musicCsvFiles(data: MusicData): Record<'users' | 'songs' | 'podcasts' | 'interactions', string> {
  return {
    users: toCsv(data.users, ['user_id', 'email', 'country', 'birth_year', 'subscription_tier', 'preferred_genre', 'signup_ts']),
    songs: toCsv(data.songs, ['song_id', 'title', 'artist', 'album', 'genre', 'duration_seconds', 'release_year', 'explicit']),
    podcasts: toCsv(data.podcasts, ['episode_id', 'show_name', 'episode_title', 'category', 'duration_seconds', 'published_ts']),
    interactions: toCsv(data.interactions, ['event_id', 'user_id', 'item_id', 'content_type', 'event_type', 'session_id', 'timestamp']),
  };
}

/**
 * New listens for the demo: `u0042` plays a few technology podcast episodes (the category electronic fans like),
 * one JSON object per line, ready for `mesh events produce interactions --file`.
 */
export function demoPodcastListens(data: MusicData, count = 6): string {
  const played = new Map<string, number>();
  for (const i of data.interactions) if (i.content_type === 'podcast') played.set(i.item_id, (played.get(i.item_id) ?? 0) + 1);
  const episodes = data.podcasts
    .filter((p) => p.category === GENRE_PODCAST_AFFINITY.electronic)
    .sort((a, b) => (played.get(b.episode_id) ?? 0) - (played.get(a.episode_id) ?? 0) || a.episode_id.localeCompare(b.episode_id))
    .slice(0, count);
  const start = MUSIC_DATA_END_EPOCH + 3600;
  const lines = episodes.map((episode, index) =>
    JSON.stringify({
      event_id: `demo-${MUSIC_DEMO_USER}-${pad(index + 1, 2)}`,
      user_id: MUSIC_DEMO_USER,
      item_id: episode.episode_id,
      content_type: 'podcast',
      event_type: 'play',
      session_id: `${MUSIC_DEMO_USER}-demo`,
      timestamp: start + index * 1800,
    }),
  );
  return `${lines.join('\n')}\n`;
}
