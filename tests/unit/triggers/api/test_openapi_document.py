"""The OpenAPI document is complete and self-consistent, and the docs page is self-contained
with a Content-Security-Policy that allows exactly its own style and script."""

import base64
import hashlib
import re

from jsonschema import Draft202012Validator

from triggers.api.docs import docs_page
from triggers.api.openapi import openapi_document
from triggers.shared import routes


def refs_in(node) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [r for value in node.values() for r in refs_in(value)]
    if isinstance(node, list):
        return [r for value in node for r in refs_in(value)]
    return []


def test_document_is_openapi_31_with_every_route():
    document = openapi_document()
    assert document["openapi"] == "3.1.0"
    templates = {value for name, value in vars(routes).items() if name.isupper()}
    assert set(document["paths"]) == {"/" + t for t in templates}


def test_every_ref_resolves_to_a_valid_component_schema():
    document = openapi_document()
    schemas = document["components"]["schemas"]
    for ref in refs_in(document):
        assert ref.startswith("#/components/schemas/")
        assert ref.rsplit("/", 1)[1] in schemas, ref
    for schema in schemas.values():
        Draft202012Validator.check_schema(schema)


def test_every_error_answer_is_an_error_body_and_every_operation_is_named():
    document = openapi_document()
    operation_ids = []
    for operations in document["paths"].values():
        for operation in operations.values():
            operation_ids.append(operation["operationId"])
            for status, answer in operation["responses"].items():
                if status.startswith("4") and status != "401":
                    schema = answer["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/ErrorBody"}
    assert len(operation_ids) == len(set(operation_ids))


def test_key_protected_operations_document_the_hosts_401():
    for operations in openapi_document()["paths"].values():
        for operation in operations.values():
            anonymous = operation.get("security") == []
            assert ("401" in operation["responses"]) is not anonymous, operation["operationId"]


def test_request_bodies_come_from_the_models():
    paths = openapi_document()["paths"]
    orchestrate = paths["/coordinator/orchestrate"]["post"]["requestBody"]
    assert orchestrate["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CoordinatorRequest"
    }
    schemas = openapi_document()["components"]["schemas"]
    assert schemas["CoordinatorRequest"]["properties"]["query"]["maxLength"] == 4000
    assert (
        "agent the request is for"
        in schemas["CoordinatorRequest"]["properties"]["query_type"]["description"]
    )


def test_docs_page_inlines_its_assets_and_allows_only_them():
    html, policy = docs_page()
    assert "/*STYLE*/" not in html
    assert "/*SCRIPT*/" not in html
    for tag in ("style", "script"):
        inline = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        assert inline is not None
        digest = base64.b64encode(hashlib.sha256(inline.group(1).encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert "default-src 'none'" in policy
    assert not re.search(r"""(src|href)=["'](https?:)?//""", html)
