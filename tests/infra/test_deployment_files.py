"""azure.yaml, the container image, the ignore files, the hooks and the pipeline."""

from __future__ import annotations

import ast
import re
import subprocess
import tomllib

import pytest
from infra_model import ROOT, bicep, parsed_yaml

WORKFLOW = ".github/workflows/azure-dev.yml"

# Runtime packages the image carries; devhost, tests and bench are left out of it.
RUNTIME_PACKAGES = ("triggers", "orchestrations", "activities", "agents", "core")
EXCLUDED_FROM_IMAGE = ("devhost", "tests", "bench")


def test_azure_yaml_deploys_the_api_service_to_container_apps():
    project = parsed_yaml("azure.yaml")
    assert project["infra"] == {"provider": "bicep", "path": "infra", "module": "main"}
    api = project["services"]["api"]
    assert api["host"] == "containerapp"
    assert api["language"] == "python"
    assert api["docker"]["path"] == "./Dockerfile"
    assert api["docker"]["remoteBuild"] is True
    hook = project["hooks"]["postdeploy"]["posix"]
    assert hook["run"] == "./infra/hooks/postdeploy.sh"
    assert (ROOT / hook["run"]).stat().st_mode & 0o111


def test_service_name_matches_the_tag_azd_looks_for():
    params = bicep("infra/main.bicep")["modules"]["api"]["config"]["params"]
    tags = params["tags"]["function"]["parameters"]["arg_2"]
    assert tags["'azd-service-name'"] in parsed_yaml("azure.yaml")["services"]


def test_dockerfile_uses_the_functions_python_base_image_of_our_python():
    text = (ROOT / "Dockerfile").read_text()
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    version = re.search(r"(\d+\.\d+)", requires)
    assert version
    (base,) = re.findall(r"^FROM\s+(\S+)", text, re.M)
    assert base == f"mcr.microsoft.com/azure-functions/python:4-python{version.group(1)}"
    assert "AzureWebJobsScriptRoot=/home/site/wwwroot" in text
    assert "COPY requirements.lock" in text
    assert "--require-hashes -r /requirements.lock" in text
    assert "requirements-dev" not in text
    assert "/api/health" in text


@pytest.mark.parametrize("ignore_file", [".dockerignore", ".funcignore"])
def test_ignore_files_keep_secrets_and_tooling_out(ignore_file):
    lines = (ROOT / ignore_file).read_text().splitlines()
    entries = {line.strip() for line in lines if line.strip() and not line.startswith("#")}
    for entry in (
        "local.settings.json",
        ".env",
        ".azure",
        ".venv",
        ".venv-infra",
        "tests",
        "infra",
        "devhost",
        "requirements-dev.txt",
        "requirements-dev.lock",
        "requirements-infra.lock",
        ".venv-mcp-servers",
        "requirements-mcp-servers.lock",
    ):
        assert entry in entries, f"{ignore_file} lets {entry} in"
    for needed in (
        "function_app.py",
        "host.json",
        "agents.yaml",
        "requirements.txt",
        "requirements.lock",
        *RUNTIME_PACKAGES,
    ):
        assert needed not in entries, f"{ignore_file} leaves out {needed}"


def _imports(path) -> set[str]:
    tree = ast.parse(path.read_text())
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_runtime_code_does_not_import_what_the_image_leaves_out():
    files = [ROOT / "function_app.py"] if (ROOT / "function_app.py").exists() else []
    for package in RUNTIME_PACKAGES:
        files.extend(sorted((ROOT / package).rglob("*.py")))
    assert files
    for path in files:
        leaked = _imports(path) & set(EXCLUDED_FROM_IMAGE)
        assert not leaked, f"{path.relative_to(ROOT)} imports {leaked}, which the image leaves out"


def test_workflow_runs_tests_lint_and_security_before_deploying():
    workflow = parsed_yaml(WORKFLOW)
    jobs = workflow["jobs"]
    assert {"lint", "test", "security", "deploy"} <= set(jobs)
    assert sorted(jobs["deploy"]["needs"]) == ["lint", "security", "test"]
    steps = " ".join(step.get("run", "") for step in jobs["test"]["steps"])
    assert "make test" in steps
    steps = " ".join(step.get("run", "") for step in jobs["lint"]["steps"])
    assert "make lint" in steps
    steps = " ".join(step.get("run", "") for step in jobs["security"]["steps"])
    assert "checkov" in steps
    assert "pip-audit" in steps


def test_test_job_installs_the_distributions_chromium_before_the_tests():
    job = parsed_yaml(WORKFLOW)["jobs"]["test"]
    assert job["container"].endswith("-bookworm")
    runs = [step.get("run", "") for step in job["steps"]]
    installs = next(i for i, run in enumerate(runs) if "apt-get install" in run)
    assert "chromium" in runs[installs].split("apt-get install", 1)[1]
    assert installs < next(i for i, run in enumerate(runs) if "make test" in run)


def test_deploy_signs_in_with_oidc_and_holds_no_secret():
    workflow = parsed_yaml(WORKFLOW)
    # PyYAML reads the bare key `on` as a boolean, which JSON turns into "true".
    assert workflow["true"]["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read"}
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"contents": "read", "id-token": "write"}
    for name, job in workflow["jobs"].items():
        if name != "deploy":
            assert "permissions" not in job, f"{name} widens the token"
    runs = [step.get("run", "") for step in deploy["steps"]]
    assert any("--federated-credential-provider" in run and "azd auth login" in run for run in runs)
    assert any("azd provision --no-prompt" in run for run in runs)
    assert any("azd deploy --no-prompt" in run for run in runs)
    assert any("verify-deployment.sh" in run for run in runs)
    text = (ROOT / WORKFLOW).read_text()
    assert "secrets." not in text
    assert "client-secret" not in text
    assert deploy["env"]["GRANT_PRINCIPAL_DATA_ACCESS"] == "false"
    assert deploy["env"]["AZURE_PRINCIPAL_TYPE"] == "ServicePrincipal"


def test_workflow_sets_only_parameters_main_bicep_reads():
    mapping = (ROOT / "infra" / "main.parameters.json").read_text()
    read = set(re.findall(r"\$\{([A-Z0-9_]+)", mapping))
    deploy_env = parsed_yaml(WORKFLOW)["jobs"]["deploy"]["env"]
    azd_own = {
        "AZURE_CLIENT_ID",
        "AZURE_TENANT_ID",
        "AZURE_SUBSCRIPTION_ID",
        "AZURE_ENV_NAME",
        "AZURE_LOCATION",
    }
    assert set(deploy_env) - azd_own <= read


@pytest.mark.parametrize(
    "script", ["infra/hooks/postdeploy.sh", "infra/hooks/verify-deployment.sh"]
)
def test_hook_scripts_are_valid_executable_posix_shell(script):
    path = ROOT / script
    assert path.stat().st_mode & 0o111
    assert path.read_text().startswith("#!/bin/sh\n")
    done = subprocess.run(["sh", "-n", str(path)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
