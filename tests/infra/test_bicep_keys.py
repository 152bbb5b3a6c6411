"""The Durable system key (and every other Functions host key) stays out of the Bicep: no app
setting carries one, no output exposes one (a Key Vault secret's URI names where a secret is,
not its value), nothing lists them."""

from __future__ import annotations

import re

import pytest
from infra_model import INFRA

BICEP_FILES = sorted(INFRA.rglob("*.bicep"))
KEY_READS = ("listKeys(", "host/default", "systemKeys", "masterKey", "functionKeys", "durabletask_extension")


def code_of(path) -> str:
    """The file without its `//` comments."""
    return "\n".join(line.split("//", 1)[0] for line in path.read_text().splitlines())


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda p: p.name)
def test_no_bicep_file_reads_a_host_key(path):
    text = code_of(path)
    assert [hint for hint in KEY_READS if hint in text] == []


@pytest.mark.parametrize("path", BICEP_FILES, ids=lambda p: p.name)
def test_no_output_carries_a_key_or_a_secret(path):
    outputs = re.findall(r"^output\s+(\w+)\s+\w+\s*=\s*(.+)$", code_of(path), re.M)
    for name, value in outputs:
        if name.endswith("SecretUri"):
            continue  # where a Key Vault secret is, not its value
        assert not re.search(r"(?i)key(?!_?vault)|secret|code=", name + " " + value), (name, value)
