-- Athena: flatten a DynamoDB JSON export of %name% into the product's columns and location.
-- 1. A table over the raw export (replace <export-id> with the folder the export wrote).
CREATE EXTERNAL TABLE IF NOT EXISTS %name.snake%_ddb_export (
  Item struct<%columns.ddb.struct%>
)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://%bucket.name%/exports/%name.snake%/AWSDynamoDB/<export-id>/data/';

-- 2. The product table, written as CSV to %bucket%, with the contract's columns.
CREATE TABLE %name.snake%_export
WITH (format = 'TEXTFILE', field_delimiter = ',', external_location = '%bucket%') AS
SELECT
%columns.ddb.select%
FROM %name.snake%_ddb_export;
