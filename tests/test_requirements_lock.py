"""The lock (requirements/*.txt, ADR 0006) says what pyproject.toml asks for, and nothing else.

A dependency added to pyproject.toml without `make lock` would install nowhere (`make install`
reads the lock only); a production pin that differs between the two files would install a
different package in development than in production.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>\S+)")


def read_lock(path: Path) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes) of every pin in a `uv pip compile` output."""
    pins: dict[str, tuple[str, int]] = {}
    current = None
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match["name"])
            pins[current] = (match["version"], 0)
        elif line.strip().startswith("--hash=sha256:") and current is not None:
            version, hashes = pins[current]
            pins[current] = (version, hashes + 1)
        elif not line.startswith(" "):
            current = None
    return pins


def needed_by(path: Path) -> dict[str, set[str]]:
    """name -> what the lock's `# via` comments say needs it."""
    via: dict[str, set[str]] = {}
    current = None
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match["name"])
            via[current] = set()
        elif current and line.startswith("    #") and line.strip() not in {"# via", "#"}:
            via[current].add(line.strip().lstrip("#").strip().removeprefix("via ").strip())
    return via


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


PROD = read_lock(ROOT / "requirements" / "prod.txt")
DEV = read_lock(ROOT / "requirements" / "dev.txt")


def test_every_production_dependency_is_pinned_with_hashes_in_the_production_lock():
    for spec in project()["dependencies"]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in PROD, f"{req.name} is not in requirements/prod.txt: run `make lock`"
        version, hashes = PROD[name]
        assert req.specifier.contains(version, prereleases=True), (
            f"{req.name}=={version} does not meet {spec!r}: run `make lock`"
        )
    assert all(hashes for _, hashes in PROD.values()), "a pin without a hash"
    assert all(hashes for _, hashes in DEV.values()), "a pin without a hash"


def test_every_development_dependency_is_pinned_in_the_development_lock_only():
    for spec in project()["optional-dependencies"]["dev"]:
        req = Requirement(spec)
        name = canonicalize_name(req.name)
        assert name in DEV, f"{req.name} is not in requirements/dev.txt: run `make lock`"
        assert req.specifier.contains(DEV[name][0], prereleases=True), f"{spec}: `make lock`"
        production = {canonicalize_name(Requirement(s).name) for s in project()["dependencies"]}
        if name in PROD and name not in production:
            # Only as something a production package needs (jwcrypto for pylti1p3), never
            # because the production lock was compiled with the dev extra.
            via = needed_by(ROOT / "requirements" / "prod.txt")[name]
            assert via - {"credbridge (pyproject.toml)"}, (
                f"{req.name} is a development tool in the production lock"
            )


def test_development_installs_the_very_versions_production_does():
    differ = {
        name: (version, DEV.get(name, ("missing", 0))[0])
        for name, (version, _) in PROD.items()
        if DEV.get(name, ("missing", 0))[0] != version
    }
    assert not differ, f"prod vs dev pins differ: {differ}; run `make lock`"
