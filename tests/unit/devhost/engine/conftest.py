"""Fixtures: the feature app loaded once, and a fresh engine per test on a temporary hub."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from devhost.app_loader import FunctionIndex, load_app
from devhost.engine.config import EngineConfig
from devhost.engine.engine import Engine

APP_DIR = Path(__file__).parents[3] / "apps" / "engine_features"


@pytest.fixture(scope="session")
def feature_index() -> FunctionIndex:
    return load_app(APP_DIR)


@pytest.fixture
def knobs(feature_index: FunctionIndex):
    app_module: Any = feature_index.module
    app_module.knobs.update({"variant": "a", "fail_times": 0})
    app_module.calls.clear()
    return app_module.knobs


@pytest.fixture
async def engine(feature_index: FunctionIndex, tmp_path: Path, knobs) -> AsyncIterator[Engine]:
    eng = Engine(
        feature_index, EngineConfig(hub_path=tmp_path / "hub.sqlite3", default_version="1.0")
    )
    await eng.start()
    yield eng
    await eng.stop()
