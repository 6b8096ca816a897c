#!/usr/bin/env sh
# Runs the statements of ctas.sql in Athena, one after the other (account %account%).
set -eu
DIR=$(dirname "$0")
sed -e 's/--.*$//' "$DIR/ctas.sql" | tr '\n' ' ' | tr ';' '\n' | while read -r STATEMENT; do
  [ -n "$STATEMENT" ] || continue
  ID=$(aws athena start-query-execution --region %region% --work-group primary \
    --query-string "$STATEMENT" --query QueryExecutionId --output text)
  while :; do
    STATE=$(aws athena get-query-execution --region %region% --query-execution-id "$ID" \
      --query QueryExecution.Status.State --output text)
    case "$STATE" in
      SUCCEEDED) break ;;
      FAILED | CANCELLED) echo "query $ID $STATE" >&2; exit 1 ;;
      *) sleep 2 ;;
    esac
  done
done
