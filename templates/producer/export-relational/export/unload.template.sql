-- Export the %name% product from Aurora PostgreSQL straight to its S3 location (%bucket%).
-- Needs the aws_s3 extension and an IAM role on the cluster that may write to the bucket:
--   CREATE EXTENSION IF NOT EXISTS aws_s3 CASCADE;
--   aws rds add-role-to-db-cluster --db-cluster-identifier <cluster> --feature-name s3Export --role-arn <role>
-- Columns as the contract (products/%name%.odcs.yaml) lists them. Aurora MySQL: SELECT ... INTO OUTFILE S3.
SELECT *
FROM aws_s3.query_export_to_s3(
  'SELECT %columns.sql% FROM %name.snake%',
  aws_commons.create_s3_uri('%bucket.name%', '%bucket.prefix%%name.snake%.csv', '%region%'),
  options := 'format csv, header true'
);
