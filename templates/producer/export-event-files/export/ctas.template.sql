-- Athena: turn the raw event files (%storage.source%) into the %name% product at %bucket%.
-- 1. A table over the raw JSON lines files.
CREATE EXTERNAL TABLE IF NOT EXISTS %name.snake%_raw (
%columns.ddl%
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION '%storage.source%';

-- 2. CTAS into the product location, with the contract's columns (drop the old output first).
CREATE TABLE %name.snake%_export
WITH (format = 'TEXTFILE', field_delimiter = ',', external_location = '%bucket%') AS
SELECT %columns.sql%
FROM %name.snake%_raw
WHERE %key% IS NOT NULL;
