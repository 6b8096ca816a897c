-- The Items dataset: songs and podcast episodes in one table, told apart by content_type.
-- Products are addressed by name; the same SQL runs in DuckDB (local target) and Athena (aws).
-- created_at is epoch seconds: a song's release year (its start, to within a day) or an episode's publication.
SELECT
  song_id AS item_id,
  'song' AS content_type,
  genre,
  CAST(release_year - 1970 AS BIGINT) * 31556952 AS created_at,
  title,
  artist AS creator,
  duration_seconds
FROM songs
UNION ALL
SELECT
  episode_id AS item_id,
  'podcast' AS content_type,
  category AS genre,
  published_ts AS created_at,
  episode_title AS title,
  show_name AS creator,
  duration_seconds
FROM podcasts
