-- Export the %name% product from Aurora PostgreSQL straight to its S3 location.
-- Needs the aws_s3 extension and an IAM role on the cluster that may write to %bucket%:
--   CREATE EXTENSION IF NOT EXISTS aws_s3 CASCADE;
--   aws rds add-role-to-db-cluster --db-cluster-identifier <cluster> --feature-name s3Export --role-arn <role>
-- Aurora MySQL: use SELECT ... INTO OUTFILE S3 instead.
SELECT *
FROM aws_s3.query_export_to_s3(
  'SELECT id, label, EXTRACT(EPOCH FROM updated_at)::bigint AS updated_at FROM %name.snake%',
  aws_commons.create_s3_uri('%bucket.name%', '%bucket.prefix%%name.snake%.csv', '%region%'),
  options := 'format csv, header true'
);
