"""Every environment has a lock file (`make lock`) that pins, with hashes, what its
requirements file asks for; the image and the tests get the same versions."""

from __future__ import annotations

import pytest

from tests.requirement_files import DEV, ENVIRONMENTS, ROOT, RUNTIME, Environment, declared, locked

STALE = "run `make lock` after changing a requirements file"


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda env: env.lock)
def test_the_lock_pins_every_requirement_at_a_version_it_allows(env: Environment) -> None:
    assert (ROOT / env.lock).exists(), f"{env.lock} is missing: {STALE}"
    pins = locked(env.lock)
    for name, requirement in declared(env.requirements).items():
        assert name in pins, f"{env.lock} lacks {requirement}: {STALE}"
        assert requirement.specifier.contains(pins[name].version, prereleases=True), (
            f"{env.lock} pins {name}=={pins[name].version}, {env.requirements} asks for "
            f"{requirement}: {STALE}"
        )


@pytest.mark.parametrize("env", ENVIRONMENTS, ids=lambda env: env.lock)
def test_every_locked_package_has_sha256_hashes(env: Environment) -> None:
    for pin in locked(env.lock).values():
        assert pin.hashes, f"{env.lock}: {pin.name} has no hash"
        assert all(h.startswith("sha256:") and len(h) == 71 for h in pin.hashes), pin


def test_the_tests_run_the_versions_the_image_ships() -> None:
    runtime, dev = locked(RUNTIME.lock), locked(DEV.lock)
    differ = {
        name: (pin.version, dev[name].version if name in dev else None)
        for name, pin in runtime.items()
        if name not in dev or dev[name].version != pin.version
    }
    assert differ == {}, f"runtime vs dev lock (runtime, dev): {STALE}"
