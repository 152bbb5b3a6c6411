"""checkov over the Bicep, the Dockerfile and the workflows: everything parses, nothing
fails, and every accepted finding is one of the reviewed skips below, with its reason in a
`checkov:skip` comment next to the resource. checkov exits 0 on files it cannot parse, so
the parse count is checked explicitly."""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest
from infra_model import checkov

# Reviewed exceptions: check id -> file. The reasons live in the skip comments.
ACCEPTED_SKIPS = {
    ("CKV_AZURE_35", "/modules/storage.bicep"),  # public endpoint unless vnetEnabled
    ("CKV_AZURE_206", "/modules/storage.bicep"),  # LRS in dev/test, ZRS in prod
    ("CKV_AZURE_101", "/modules/cosmos.bicep"),  # public endpoint unless vnetEnabled
    ("CKV_AZURE_134", "/modules/openai.bicep"),  # public endpoint unless vnetEnabled
    ("CKV_AZURE_238", "/modules/openai.bicep"),  # the account has no use for an identity
    ("CKV_AZURE_109", "/modules/keyvault.bicep"),  # public endpoint unless vnetEnabled
    ("CKV_AZURE_41", "/modules/keyvault.bicep"),  # the signing key is replaced at each provision
    ("CKV_AZURE_131", "/main.bicep"),  # the signing key's default is newGuid(), not a literal
    ("CKV_AZURE_139", "/modules/registry.bicep"),  # azd pushes from outside Azure
    ("CKV_AZURE_163", "/modules/registry.bicep"),  # scanning is a Defender plan
    ("CKV_AZURE_166", "/modules/registry.bicep"),  # quarantine is Premium-only preview
    ("CKV_DOCKER_3", "Dockerfile"),  # the Functions base image runs the host as root
}

FRAMEWORKS = ("bicep", "dockerfile", "github_actions")


# One run per target: checkov prints several JSON documents when one run mixes targets.
TARGETS = {
    "bicep": ("--directory", "infra"),
    "dockerfile": ("--file", "Dockerfile"),
    "github_actions": ("--directory", ".github"),
}


@cache
def reports() -> dict[str, dict[str, Any]]:
    found = {}
    for framework, target in TARGETS.items():
        (report,) = checkov(*target, "--framework", framework)
        assert report["check_type"] == framework
        found[framework] = report
    return found


def test_every_framework_scanned_something():
    by_type = reports()
    assert set(by_type) == set(FRAMEWORKS)
    for name, report in by_type.items():
        summary = report["summary"]
        assert summary["passed"] + summary["skipped"] > 0, f"{name}: checkov checked nothing"


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_no_parsing_errors(framework):
    summary = reports()[framework]["summary"]
    assert summary["parsing_errors"] == 0, reports()[framework]["results"].get("parsing_errors")


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_no_failed_checks(framework):
    failed = reports()[framework]["results"]["failed_checks"]
    assert not failed, [
        (c["check_id"], c["file_path"], c["resource"], c["check_name"]) for c in failed
    ]


def test_bicep_scan_covers_every_resource_type_that_matters():
    results = reports()["bicep"]["results"]
    checked = {
        c["resource"].rsplit(".", 1)[0]
        for c in results["passed_checks"] + results["skipped_checks"]
    }
    for resource_type in (
        "Microsoft.Storage/storageAccounts",
        "Microsoft.DocumentDB/databaseAccounts",
        "Microsoft.CognitiveServices/accounts",
        "Microsoft.KeyVault/vaults",
        "Microsoft.ContainerRegistry/registries",
    ):
        assert resource_type in checked, resource_type


def test_local_auth_checks_pass_outright():
    passed = {c["check_id"] for c in reports()["bicep"]["results"]["passed_checks"]}
    assert {
        "CKV_AZURE_140",  # Cosmos DB local authentication disabled
        "CKV_AZURE_236",  # Cognitive Services local authentication disabled
        "CKV_AZURE_137",  # ACR admin account disabled
        "CKV_AZURE_110",  # Key Vault purge protection
        "CKV_AZURE_111",  # Key Vault soft delete
    } <= passed


def test_every_skip_is_reviewed_and_explained():
    skipped = []
    for report in reports().values():
        for check in report["results"]["skipped_checks"]:
            skipped.append((check["check_id"], check["file_path"]))
            reason = check["check_result"].get("suppress_comment", "")
            assert len(reason) > 30, (
                f"{check['check_id']} in {check['file_path']} has no real reason"
            )
    assert set(skipped) == ACCEPTED_SKIPS
