-- The recommendations domain's items dataset: songs and podcast episodes merged into one catalog,
-- told apart by content_type (Personalize's CONTENT_TYPE, a categorical field filters can use).
-- Runs over the subscribed products, addressed by product name (DuckDB on local; Glue/Athena on aws).
SELECT
  CAST(song_id AS VARCHAR) AS item_id,
  'song'                   AS content_type,
  genre                    AS genre,
  released_at              AS created_at
FROM songs
UNION ALL
SELECT
  CAST(episode_id AS VARCHAR) AS item_id,
  'podcast'                   AS content_type,
  category                    AS genre,
  published_at                AS created_at
FROM podcasts
