"""Test-only launcher for moto server: patches a few moto gaps, then runs moto.server.main.

Same CLI as `moto_server` (e.g. `python scripts/moto_launcher.py -H 127.0.0.1 -p 5000`).
Started by scripts/services.mjs. Pinned moto version: scripts/requirements-test.txt.
Environment:
  MOTO_MSK_BOOTSTRAP  broker address GetBootstrapBrokers answers with (default 127.0.0.1:19092)
  MESH_MOTO_PAGE_SIZE page size of the list calls mesh makes (unset: moto's own behaviour, one page). For tests that
                      check pagination on a moto of their own: it applies to the whole process, every account.
                      `aws`: pages as large as AWS's (MaxResults up to each API model's maximum), for the scale bench.

Every patch below names the moto gap it closes (the test-services design notes number them: §1.5, §1.6 and
the addendum's G2, G3, G6). Each wraps moto's own code and keeps its behaviour for everything else.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

from moto.awslambda import models as lambda_models
from moto.awslambda.exceptions import InvalidParameterValueException
from moto.core import config as moto_config
from moto.core.exceptions import JsonRESTError
from moto.core.responses import ActionResult
from moto.glue import responses as glue_responses
from moto.glue import models as glue_models
from moto.glue.exceptions import EntityNotFoundException
from moto.kafka import models as kafka_models
from moto.kafka import responses as kafka_responses
from moto.kafka.exceptions import NotFoundException
from moto.lakeformation import models as lf_models
from moto.lakeformation import responses as lf_responses
from moto.lakeformation import urls as lf_urls
from moto.s3 import exceptions as s3_exceptions
from moto.s3 import models as s3_models
from moto.s3 import responses as s3_responses

MSK_BOOTSTRAP = os.environ.get("MOTO_MSK_BOOTSTRAP", "127.0.0.1:19092")


def _rfc3339_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# --- MSK -----------------------------------------------------------------------------------

# Gap: FakeKafkaCluster sets `creation_time = datetime.now().isoformat()` (no zone); the AWS SDK
# for JavaScript v3 rejects it ("Invalid RFC-3339 date-time value") in Describe/ListClusters(V2).
_orig_cluster_init = kafka_models.FakeKafkaCluster.__init__


def _cluster_init(self: Any, *args: Any, **kwargs: Any) -> None:
    _orig_cluster_init(self, *args, **kwargs)
    self.creation_time = _rfc3339_now()


kafka_models.FakeKafkaCluster.__init__ = _cluster_init  # type: ignore[method-assign]


# Gap: moto names a cluster `arn:aws:kafka:<region>:<account>:cluster/<uuid>`; AWS names it
# `…:cluster/<cluster name>/<uuid>` (mesh's mesh.yaml check, and the topic/group ARNs of IAM
# policies, `topic/<cluster name>/<uuid>/<topic>`, need that form). Every lookup keys on this ARN.
_orig_generate_arn = kafka_models.FakeKafkaCluster._generate_arn


def _generate_arn(self: Any) -> str:
    arn = _orig_generate_arn(self)
    prefix, _, cluster_id = arn.rpartition("/")
    return f"{prefix}/{self.cluster_name}/{cluster_id}"


kafka_models.FakeKafkaCluster._generate_arn = _generate_arn  # type: ignore[method-assign]


# Gap: clusters stay CREATING forever (moto has no state transition). The create call still
# answers CREATING, as AWS does; every later read sees ACTIVE, as if provisioning were instant.
def _activate_after(create: Any, arn_index: int) -> Any:
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = create(self, *args, **kwargs)
        self.clusters[result[arn_index]].state = "ACTIVE"
        return result

    return wrapper


kafka_models.KafkaBackend.create_cluster_v2 = _activate_after(  # type: ignore[method-assign]
    kafka_models.KafkaBackend.create_cluster_v2, 0
)
kafka_models.KafkaBackend.create_cluster = _activate_after(  # type: ignore[method-assign]
    kafka_models.KafkaBackend.create_cluster, 0
)


# Gap: DescribeCluster(V2) on an unknown ARN raises KeyError → HTTP 500 (AWS: 404 NotFoundException).
def _known_cluster(describe: Any) -> Any:
    def wrapper(self: Any, cluster_arn: str) -> Any:
        if cluster_arn not in self.clusters:
            raise NotFoundException(f"Cluster {cluster_arn} does not exist.")
        return describe(self, cluster_arn)

    return wrapper


kafka_models.KafkaBackend.describe_cluster_v2 = _known_cluster(  # type: ignore[method-assign]
    kafka_models.KafkaBackend.describe_cluster_v2
)
kafka_models.KafkaBackend.describe_cluster = _known_cluster(  # type: ignore[method-assign]
    kafka_models.KafkaBackend.describe_cluster
)


# Gap: GetBootstrapBrokers is not implemented (NotImplementedError → HTTP 500). Answer with the
# local broker for the plaintext, TLS, SASL/IAM and SASL/SCRAM fields (all the same PLAINTEXT
# listener: the local broker cannot do TLS or MSK IAM).
def _get_bootstrap_brokers(self: Any) -> str:
    path = self.parsed_url.path.split("/clusters/")[-1].removesuffix("/bootstrap-brokers")
    cluster_arn = unquote(path)
    if cluster_arn not in self.kafka_backend.clusters:
        raise NotFoundException(f"Cluster {cluster_arn} does not exist.")
    return json.dumps(
        {
            "bootstrapBrokerString": MSK_BOOTSTRAP,
            "bootstrapBrokerStringTls": MSK_BOOTSTRAP,
            "bootstrapBrokerStringSaslIam": MSK_BOOTSTRAP,
            "bootstrapBrokerStringSaslScram": MSK_BOOTSTRAP,
        }
    )


kafka_responses.KafkaResponse.get_bootstrap_brokers = _get_bootstrap_brokers  # type: ignore[attr-defined]


# --- Lambda --------------------------------------------------------------------------------

# Gap: Lambda runs functions in Docker by default; there is no Docker engine here, so Invoke
# answers "error running docker". Same as POST /moto-api/config {"lambda":{"use_docker":false}},
# but survives /moto-api/reset.
moto_config.default_user_config["lambda"]["use_docker"] = False

# Gap: EventSourceMapping.event_source_arn only accepts dynamodb/kinesis/sqs ARNs and the
# BatchSize table has no kafka row. Allow `arn:aws:kafka:` (default BatchSize 100, max 10000, as AWS).
_esm_cls = lambda_models.EventSourceMapping
_orig_arn_setter = _esm_cls.event_source_arn.fset
_orig_batch_setter = _esm_cls.batch_size.fset


def _arn_setter(self: Any, event_source_arn: str) -> None:
    if self._get_service_source_from_arn(event_source_arn) == "kafka":
        self._event_source_arn = event_source_arn
        return
    _orig_arn_setter(self, event_source_arn)  # type: ignore[misc]


def _batch_setter(self: Any, new_batch_size: int | None) -> None:
    if self._get_service_source_from_arn() != "kafka":
        _orig_batch_setter(self, new_batch_size)  # type: ignore[misc]
        return
    if new_batch_size is not None and int(new_batch_size) > 10000:
        raise ValueError("InvalidParameterValueException", f"BatchSize {new_batch_size} exceeds the max of 10000")
    self._batch_size = 100 if new_batch_size is None else int(new_batch_size)


_esm_cls.event_source_arn = _esm_cls.event_source_arn.setter(_arn_setter)  # type: ignore[attr-defined]
_esm_cls.batch_size = _esm_cls.batch_size.setter(_batch_setter)  # type: ignore[attr-defined]

# Gap: CreateEventSourceMapping only looks up SQS queues, DynamoDB streams and Kinesis streams,
# then raises ResourceNotFoundException("Invalid EventSourceArn") for an MSK cluster ARN. Accept
# ARNs of clusters that exist in moto's kafka backend (Topics and
# AmazonManagedKafkaEventSourceConfig are stored by the model as given); an unknown cluster gives
# InvalidParameterValueException. Like AWS, a missing ConsumerGroupId defaults to the mapping UUID.
_orig_create_esm = lambda_models.LambdaBackend.create_event_source_mapping


def _create_esm(self: Any, spec: dict[str, Any]) -> Any:
    arn = spec.get("EventSourceArn") or ""
    parts = arn.split(":")
    if len(parts) < 6 or parts[2] != "kafka":
        return _orig_create_esm(self, spec)
    if not spec.get("FunctionName"):
        raise JsonRESTError("InvalidParameterValueException", "Missing FunctionName")
    region, account = parts[3], parts[4]
    # A consumer in another account names the cluster through its managed VPC connection (MSK multi-VPC
    # private connectivity, which moto does not model): arn:aws:kafka:<r>:<consumer>:vpc-connection/
    # <cluster account>/<cluster name>/<id>. Accept it when the cluster it points at exists.
    resource = parts[5] if len(parts) > 5 else ""
    if resource.startswith("vpc-connection/"):
        _, cluster_account, cluster_name, _id = (resource.split("/") + ["", "", ""])[:4]
        clusters = kafka_models.kafka_backends[cluster_account][region].clusters
        if not any(c.split(":")[5].split("/")[1:2] == [cluster_name] for c in clusters):
            raise InvalidParameterValueException(f"No cluster {cluster_name} in account {cluster_account} for {arn}.")
    elif arn not in kafka_models.kafka_backends[account][region].clusters:
        raise InvalidParameterValueException(f"Cluster {arn} does not exist.")
    spec["RegionName"] = self.region_name
    spec["AccountId"] = self.account_id
    func = self._lambdas.get_function_by_name_or_arn_with_qualifier(spec["FunctionName"])
    spec["FunctionArn"] = func.function_arn
    esm = lambda_models.EventSourceMapping(spec)
    if not (esm.kafka_config or {}).get("ConsumerGroupId"):
        esm.kafka_config = {**(esm.kafka_config or {}), "ConsumerGroupId": esm.uuid}
    self._event_source_mappings[esm.uuid] = esm
    return esm


lambda_models.LambdaBackend.create_event_source_mapping = _create_esm  # type: ignore[method-assign]


# --- Lake Formation ------------------------------------------------------------------------

# Gap G6: BatchGrantPermissions/BatchRevokePermissions read the key "PermissionsWithGrantOptions"
# (typo; the API field is PermissionsWithGrantOption), so grant options in batches were dropped.
def _batch_grant(self: Any, catalog_id: str, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        self.grant_permissions(
            catalog_id=catalog_id,
            principal=entry.get("Principal"),
            resource=entry.get("Resource"),
            permissions=entry.get("Permissions") or [],
            permissions_with_grant_options=entry.get("PermissionsWithGrantOption") or [],
        )


def _batch_revoke(self: Any, catalog_id: str, entries: list[dict[str, Any]]) -> None:
    for entry in entries:
        self.revoke_permissions(
            catalog_id=catalog_id,
            principal=entry.get("Principal"),
            resource=entry.get("Resource"),
            permissions_to_revoke=entry.get("Permissions") or [],
            permissions_with_grant_options_to_revoke=entry.get("PermissionsWithGrantOption") or [],
        )


lf_models.LakeFormationBackend.batch_grant_permissions = _batch_grant  # type: ignore[method-assign]
lf_models.LakeFormationBackend.batch_revoke_permissions = _batch_revoke  # type: ignore[method-assign]


# Gap G3: GetResourceLFTags on a database or table that has no LF-tags raises KeyError → HTTP 500.
# Answer empty lists instead, one per level the resource names (database / table / columns).
def _get_resource_lf_tags(self: Any, catalog_id: str, resource: dict[str, Any]) -> Any:
    db_tags: list[dict[str, Any]] = []
    table_tags: list[dict[str, Any]] = []
    column_tags: list[dict[str, Any]] = []
    if "Database" in resource:
        ref = resource["Database"]
        db_tags = self.lf_database_tags.get((ref.get("CatalogId", self.account_id), ref["Name"]), [])
    if "Table" in resource:
        ref = resource["Table"]
        key = (ref.get("CatalogId", self.account_id), ref["DatabaseName"], ref.get("Name"))
        table_tags = self.lf_table_tags.get(key, [])
    if "TableWithColumns" in resource:
        ref = resource["TableWithColumns"]
        for column in ref.get("ColumnNames", []):
            key = (ref.get("CatalogId", self.account_id), ref["DatabaseName"], ref["Name"], column)
            if self.lf_columns_tags.get(key):
                column_tags.append({"Name": column, "LFTags": self.lf_columns_tags[key]})
    return db_tags, table_tags, column_tags


def _get_resource_lf_tags_response(self: Any) -> str:
    catalog_id = self._get_param("CatalogId") or self.current_account
    resource = self._get_param("Resource")
    db, table, columns = self.lakeformation_backend.get_resource_lf_tags(catalog_id, resource)
    body: dict[str, Any] = {"LFTagOnDatabase": db}
    if "Table" in resource or "TableWithColumns" in resource:
        body["LFTagsOnTable"] = table
    if "TableWithColumns" in resource:
        body["LFTagsOnColumns"] = columns
    return json.dumps(body)


lf_models.LakeFormationBackend.get_resource_lf_tags = _get_resource_lf_tags  # type: ignore[method-assign]
lf_responses.LakeFormationResponse.get_resource_lf_tags = _get_resource_lf_tags_response  # type: ignore[method-assign]


# Gap: UpdateResource (a registered location moved to another role) is not implemented: moto answers 404 HTML.
# The same checks as DeregisterResource (EntityNotFoundException when the location is not registered).
def _update_resource(self: Any, resource_arn: str, role_arn: str) -> None:
    self.describe_resource(resource_arn).role_arn = role_arn


def _update_resource_response(self: Any) -> str:
    self.lakeformation_backend.update_resource(resource_arn=self._get_param("ResourceArn"), role_arn=self._get_param("RoleArn"))
    return "{}"


lf_models.LakeFormationBackend.update_resource = _update_resource  # type: ignore[attr-defined]
lf_responses.LakeFormationResponse.update_resource = _update_resource_response  # type: ignore[attr-defined]
lf_urls.url_paths["{0}/UpdateResource$"] = lf_urls.response.dispatch


# --- Glue ----------------------------------------------------------------------------------

# Gap G2: GetResourcePolicy with no policy returns {}; AWS raises EntityNotFoundException.
_orig_get_resource_policy = glue_models.GlueBackend.get_resource_policy


def _get_resource_policy(self: Any, resource_arn: str | None = None) -> dict[str, Any]:
    if (resource_arn or self.default_catalog_arn) not in self.resource_policies:
        raise EntityNotFoundException("Policy not found")
    return _orig_get_resource_policy(self, resource_arn)


glue_models.GlueBackend.get_resource_policy = _get_resource_policy  # type: ignore[method-assign]


# --- S3 ------------------------------------------------------------------------------------

# Gap: moto ignores ExpectedBucketOwner (header x-amz-expected-bucket-owner) on every S3 call, and
# serves a bucket of another account to any caller. AWS answers 403 AccessDenied when the bucket is
# not owned by the expected account; mesh relies on that to refuse a producer location in a bucket
# its domain's account does not own. Checked before moto's own handling of bucket and object calls.
def _expect_owner(handler: Any) -> Any:
    def wrapper(self: Any, request: Any, full_url: str) -> Any:
        expected = request.headers.get("x-amz-expected-bucket-owner")
        bucket = getattr(self, "bucket_name", None)
        owner = s3_models.s3_backends.bucket_accounts.get(bucket) if expected and bucket else None
        if owner is not None and owner[1] != expected:
            raise s3_exceptions.S3AccessDeniedError()
        return handler(self, request, full_url)

    return wrapper


s3_responses.S3Response._bucket_response = _expect_owner(s3_responses.S3Response._bucket_response)  # type: ignore[method-assign]
s3_responses.S3Response._key_response = _expect_owner(s3_responses.S3Response._key_response)  # type: ignore[method-assign]


# --- Pagination ----------------------------------------------------------------------------

# Gap: moto answers Glue GetDatabases/GetTables/GetPartitions and Lake Formation ListPermissions/ListResources/ListLFTags
# in one page, whatever their size and MaxResults; AWS pages them (GetTables: at most 100 tables a page). With
# MESH_MOTO_PAGE_SIZE=N each answers at most N items (or MaxResults, when smaller) and a NextToken for the rest, so a
# client that does not follow NextToken misses items. S3 ListObjectsV2 pages by itself: its default MaxKeys is set to N.
# The token is the offset of the next item; moto's item order is stable while nothing is created or deleted.
# With MESH_MOTO_PAGE_SIZE=aws a page holds MaxResults items up to the API model's maximum (botocore: Glue
# CatalogGetterPageSize 100, PageSize 1,000; Lake Formation PageSize 1,000), or that maximum when MaxResults is absent.
# A numeric size pages at most that many, and never more than the model's maximum either.
AWS_PAGES = os.environ.get("MESH_MOTO_PAGE_SIZE") == "aws"
PAGE_SIZE = 0 if AWS_PAGES else int(os.environ.get("MESH_MOTO_PAGE_SIZE") or 0)
_TOKEN_PREFIX = "mesh-moto-page-"


class _InvalidToken(JsonRESTError):
    def __init__(self, token: str) -> None:
        super().__init__("InvalidInputException", f"Invalid NextToken: {token}")


def _page(items: list[Any], token: str | None, max_results: Any, model_max: int) -> tuple[list[Any], str | None]:
    size = min(n for n in (PAGE_SIZE, int(max_results or 0), model_max) if n > 0)
    start = 0
    if token:
        if not token.startswith(_TOKEN_PREFIX) or not token[len(_TOKEN_PREFIX) :].isdigit():
            raise _InvalidToken(token)
        start = int(token[len(_TOKEN_PREFIX) :])
    end = start + size
    return items[start:end], (f"{_TOKEN_PREFIX}{end}" if end < len(items) else None)


def _paged(handler: Any, list_key: str, param: Any, model_max: int) -> Any:
    """Wraps a response method that returns every item (an ActionResult or a JSON string) to answer one page."""

    def wrapper(self: Any) -> Any:
        out = handler(self)
        action = isinstance(out, ActionResult)
        body = dict(out.result) if action else json.loads(out)  # type: ignore[arg-type]
        page, next_token = _page(body.get(list_key) or [], param(self, "NextToken"), param(self, "MaxResults"), model_max)
        body[list_key] = page
        body.pop("NextToken", None)
        if next_token:
            body["NextToken"] = next_token
        return ActionResult(body) if action else json.dumps(body)

    return wrapper


if PAGE_SIZE > 0 or AWS_PAGES:
    os.environ.setdefault("MOTO_S3_DEFAULT_MAX_KEYS", str(PAGE_SIZE or 1000))
    _glue_param = lambda self, name: self.parameters.get(name)  # noqa: E731
    _lf_param = lambda self, name: self._get_param(name)  # noqa: E731
    for _cls, _method, _key, _param, _max in [
        (glue_responses.GlueResponse, "get_databases", "DatabaseList", _glue_param, 100),
        (glue_responses.GlueResponse, "get_tables", "TableList", _glue_param, 100),
        (glue_responses.GlueResponse, "get_partitions", "Partitions", _glue_param, 1000),
        (lf_responses.LakeFormationResponse, "list_permissions", "PrincipalResourcePermissions", _lf_param, 1000),
        (lf_responses.LakeFormationResponse, "list_resources", "ResourceInfoList", _lf_param, 1000),
        (lf_responses.LakeFormationResponse, "list_lf_tags", "LFTags", _lf_param, 1000),
    ]:
        setattr(_cls, _method, _paged(getattr(_cls, _method), _key, _param, _max))


if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
