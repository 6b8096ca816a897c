#!/usr/bin/env sh
# Exports the DynamoDB table (%storage.source%) to S3 with point-in-time export (no read capacity used),
# then flattens the export into the product location with flatten.sql (Athena CTAS).
# Needs point-in-time recovery on the table. Run with credentials for account %account%.
set -eu
TABLE_ARN=arn:aws:dynamodb:%region%:%account%:table/%name%
aws dynamodb export-table-to-point-in-time --region %region% \
  --table-arn "$TABLE_ARN" \
  --s3-bucket %bucket.name% --s3-prefix exports/%name.snake%/ \
  --export-format DYNAMODB_JSON
echo "When the export is COMPLETED (aws dynamodb list-exports), run export/flatten.sql in Athena."
