"""The README and local.settings.example.json document every setting the app reads."""

import json
from pathlib import Path

from core.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_readme_configuration_table_lists_every_setting_with_its_default():
    readme = (ROOT / "README.md").read_text()
    for name, field in Settings.model_fields.items():
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{name}` |")), None)
        assert row is not None, f"README lacks a row for {name}"
        if field.default is not None and str(field.default):
            assert f"`{field.default}`" in row, f"README shows the wrong default for {name}"


def test_example_local_settings_lists_every_setting():
    values = json.loads((ROOT / "local.settings.example.json").read_text())["Values"]
    assert set(Settings.model_fields) <= set(values)
