"""Glue job: copy the %name% table from the relational source (%storage.source%) to the product location.

Create the Glue connection to the database first (JDBC URL, VPC subnet, secret), then run ./run-export.sh.
Arguments: --connection_name, --source_table, --target_path (%bucket%), --format (csv or parquet).
"""
import sys

from awsglue.context import GlueContext
from awsglue.job import Job
from awsglue.utils import getResolvedOptions
from pyspark.context import SparkContext

args = getResolvedOptions(sys.argv, ["JOB_NAME", "connection_name", "source_table", "target_path", "format"])
glue = GlueContext(SparkContext.getOrCreate())
job = Job(glue)
job.init(args["JOB_NAME"], args)

frame = glue.create_dynamic_frame.from_options(
    connection_type="postgresql",
    connection_options={"useConnectionProperties": "true", "connectionName": args["connection_name"], "dbtable": args["source_table"]},
)
# Columns as the contract (products/%name%.odcs.yaml) lists them.
frame = frame.select_fields(%columns.json%)
glue.write_dynamic_frame.from_options(
    frame=frame,
    connection_type="s3",
    connection_options={"path": args["target_path"]},
    format=args["format"],
    format_options={"writeHeader": True} if args["format"] == "csv" else {},
)
job.commit()
