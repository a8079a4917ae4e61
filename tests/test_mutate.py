"""scripts/mutate itself: it makes the mutants it says, runs them in a copy and puts every file back."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_mutate() -> ModuleType:
    spec = importlib.util.spec_from_file_location("mutate", ROOT / "scripts" / "mutate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutate"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


mutate = load_mutate()

SOURCE = '''"""A module docstring is never mutated."""

KEYS = ("a", "b")


def older(age: int, limit: int = 18) -> bool:
    """Tell whether someone is older than the limit."""
    if age >= limit and not age > 120:
        return True
    return False
'''
TEST = """from pkg.m import older


def test_older() -> None:
    assert older(18) and not older(17)
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "m.py").write_text(SOURCE)
    (tmp_path / "test_m.py").write_text(TEST)
    return tmp_path


def test_it_makes_each_kind_of_mutant_and_each_compiles(project: Path) -> None:
    mutants = mutate.mutants_of(mutate.Target("pkg/m.py", ()), root=project)
    changes = {m.change for m in mutants}
    assert {
        "age >= limit  ->  age > limit",
        "age >= limit and (not age > 120)  ->  age >= limit or not age > 120",
        "not age > 120  ->  age > 120",
        "120  ->  121",
        "18  ->  17",
        "True  ->  False",
        "return True  ->  return None",
        "'a' left out of ('a', 'b')",
    } <= changes
    assert not any("docstring" in c or "Tell whether" in c for c in changes)
    assert [m.number for m in mutants] == list(range(1, len(mutants) + 1))
    for mutant in mutants:
        changed = mutant.apply(SOURCE)
        assert changed != SOURCE
        compile(changed, "m.py", "exec")


def test_only_the_functions_asked_for_are_mutated(project: Path) -> None:
    mutants = mutate.mutants_of(mutate.Target("pkg/m.py", (), frozenset({"older"})), root=project)
    assert mutants and all(m.line >= 6 for m in mutants)


def test_a_mutant_runs_in_the_copy_and_the_file_is_put_back(project: Path) -> None:
    by_change = {m.change: m for m in mutate.mutants_of(mutate.Target("pkg/m.py", ()), root=project)}
    killed = by_change["age >= limit  ->  age > limit"]
    survives = by_change["120  ->  121"]
    assert mutate.try_mutant(killed, project, ["test_m.py"], timeout=120) == "failed"
    assert mutate.try_mutant(survives, project, ["test_m.py"], timeout=120) == "passed"
    assert (project / "pkg" / "m.py").read_text() == SOURCE


def test_the_file_is_put_back_when_a_run_is_interrupted(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: object) -> str:
        assert (project / "pkg" / "m.py").read_text() != SOURCE  # the mutant is in place
        raise KeyboardInterrupt

    monkeypatch.setattr(mutate, "run_tests", interrupted)
    mutant = mutate.mutants_of(mutate.Target("pkg/m.py", ()), root=project)[0]
    with pytest.raises(KeyboardInterrupt):
        mutate.try_mutant(mutant, project, ["test_m.py"], timeout=120)
    assert (project / "pkg" / "m.py").read_text() == SOURCE


def test_the_core_modules_all_have_mutants_and_tests_that_exist() -> None:
    judged = set()
    for target in mutate.TARGETS:
        mutants = mutate.mutants_of(target)
        assert mutants, target.path
        judged |= {(f"{m.path}:{m.scope}", m.line_text, m.change) for m in mutants if m.equivalent}
        for test in target.tests:
            if not test.startswith("-"):
                assert (ROOT / test.split("::")[0]).is_file(), test
    # Every mutant judged equivalent still exists (else its entry is stale: judge again).
    assert set(mutate.EQUIVALENT) == judged


def test_a_sample_is_reproducible_and_ids_pick_mutants() -> None:
    everything = [m for t in mutate.TARGETS for m in mutate.mutants_of(t)]
    first = mutate.choose(everything, [], 20, 7)
    assert len(first) == 20 and first == mutate.choose(everything, [], 20, 7)
    assert mutate.choose(everything, [first[0].id], None, 1) == [first[0]]
