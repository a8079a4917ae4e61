"""The lock files in requirements/ agree with pyproject.toml and with what is installed.

scripts/setup installs exact versions from requirements/MODE.txt; pyproject.toml keeps the
ranges for people who use the package as a library. These checks read files only (no index):
every pin carries the sha256 of its files (setup installs with --require-hashes),
every dependency pyproject names is pinned in the lock at a version its range allows, the app's
pins agree across the locks, and the test environment holds exactly what the lock says,
down to every dependency of a dependency.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
EXTRAS = {"run": (), "test": ("test",), "load": ("load",)}


def entries(mode: str) -> list[tuple[str, list[str]]]:
    """The lock's requirement lines (continuations joined), each with its --hash options."""
    text = (ROOT / "requirements" / f"{mode}.txt").read_text(encoding="utf-8").replace("\\\n", " ")
    result = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            requirement, *options = line.split(" --hash=")
            result.append((requirement.strip(), [option.strip() for option in options]))
    return result


def pins(mode: str) -> dict[str, Version]:
    """The lock's exact versions that apply on this machine, by normalized name."""
    result: dict[str, Version] = {}
    for line, _hashes in entries(mode):
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"{mode}.txt: not exact: {line}"
        if requirement.marker is None or requirement.marker.evaluate():
            result[canonicalize_name(requirement.name)] = Version(specifiers[0].version)
    return result


@pytest.mark.parametrize("mode", sorted(EXTRAS))
def test_every_pin_carries_its_hashes(mode: str) -> None:
    """scripts/setup installs with --require-hashes: a pin without a sha256 would stop it."""
    missing = [line for line, sums in entries(mode) if not sums or any(h[:7] != "sha256:" for h in sums)]
    assert not missing, "run scripts/lock: no sha256 for " + ", ".join(missing)


def wanted(mode: str) -> list[Requirement]:
    """The requirements pyproject.toml names for a mode that apply on this machine."""
    lines = list(PROJECT["dependencies"])
    for extra in EXTRAS[mode]:
        lines += PROJECT["optional-dependencies"][extra]
    requirements = [Requirement(line) for line in lines]
    return [r for r in requirements if r.marker is None or r.marker.evaluate()]


@pytest.mark.parametrize("mode", sorted(EXTRAS))
def test_every_dependency_in_pyproject_is_pinned_within_its_range(mode: str) -> None:
    locked = pins(mode)
    problems = []
    for requirement in wanted(mode):
        name = canonicalize_name(requirement.name)
        if name not in locked:
            problems.append(f"{requirement} is not in requirements/{mode}.txt")
        elif not requirement.specifier.contains(locked[name], prereleases=True):
            problems.append(f"{requirement}: requirements/{mode}.txt pins {locked[name]}")
    assert not problems, "run scripts/lock:\n" + "\n".join(problems)


def test_a_package_in_several_locks_has_the_same_version_in_each() -> None:
    """So the app's pins hold in every mode, and one .venv can hold both test and load."""
    locks = {mode: pins(mode) for mode in EXTRAS}
    assert set(locks["run"]) <= set(locks["test"]) and set(locks["run"]) <= set(locks["load"])
    differ = {
        name: {mode: str(lock[name]) for mode, lock in locks.items() if name in lock}
        for name in set().union(*locks.values())
        if len({lock[name] for lock in locks.values() if name in lock}) > 1
    }
    assert not differ, f"run scripts/lock: {differ}"


def test_the_test_environment_is_exactly_the_lock() -> None:
    """Walk the installed dependency tree from pyproject: each package reached is locked as installed."""
    locked = pins("test")
    environment = default_environment()
    seen: set[tuple[str, ...]] = set()
    todo: list[tuple[Requirement, tuple[str, ...]]] = [(r, ()) for r in wanted("test")]
    problems = []
    while todo:
        requirement, extras = todo.pop()
        marker_ok = requirement.marker is None or any(
            requirement.marker.evaluate({**environment, "extra": extra}) for extra in (extras or ("",))
        )
        name = canonicalize_name(requirement.name)
        key = (name, *sorted(requirement.extras))
        if not marker_ok or key in seen:
            continue
        seen.add(key)
        try:
            installed = Version(metadata.version(name))
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed (run scripts/setup test)")
            continue
        if name not in locked:
            problems.append(f"{name} {installed} is needed but not in requirements/test.txt")
        elif installed != locked[name]:
            problems.append(f"{name}: {installed} installed, {locked[name]} locked (run scripts/setup test)")
        for line in metadata.requires(name) or []:
            todo.append((Requirement(line), tuple(sorted(requirement.extras))))
    assert not problems, "\n".join(problems)
    assert len(seen) >= 20  # the walk reached the whole tree, not just the top
