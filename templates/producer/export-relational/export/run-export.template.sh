#!/usr/bin/env sh
# Creates (once) and starts the Glue job that exports %name% to %bucket%.
# Run with credentials for account %account% (e.g. AWS_PROFILE=%name%).
set -eu
JOB=%mesh%-%name%-export
SCRIPT_S3=s3://%bucket.name%/jobs/glue_export_job.py
aws s3 cp "$(dirname "$0")/glue_export_job.py" "$SCRIPT_S3" --region %region%
aws glue get-job --job-name "$JOB" --region %region% >/dev/null 2>&1 || aws glue create-job --region %region% \
  --name "$JOB" --role mesh-%name%-glue --glue-version 4.0 \
  --command "Name=glueetl,ScriptLocation=$SCRIPT_S3,PythonVersion=3" \
  --connections "Connections=%name%-db"
aws glue start-job-run --region %region% --job-name "$JOB" --arguments \
  "--connection_name=%name%-db,--source_table=%name.snake%,--target_path=%bucket%,--format=csv"
