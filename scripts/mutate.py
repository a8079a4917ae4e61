"""Mutation testing of the core: change one thing in the code, and see a test fail.

Each mutant is one small change to one core module (a comparison turned round, `and` for
`or`, a constant off by one, a `not` dropped, a value returned as None, a statement or a
table entry left out, `any` for `all`). It is written into a private copy of the repository,
never into the repository itself, and the fast tests that cover that module run against the
copy: a failing test (or a timeout) kills the mutant, a mutant every test passes survives.
Surviving mutants are listed with their file, line and change; the last line is the score.

    scripts/mutate                       every mutant (the full run)
    scripts/mutate --sample 250 --seed 1 a reproducible random sample
    scripts/mutate --list                the mutants, without running anything
    scripts/mutate answers.py#12 ...     only these mutants (ids as --list prints them)
"""

from __future__ import annotations

import argparse
import ast
import os
import queue
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTEST = ["-x", "-q", "-p", "no:randomly", "-p", "no:cacheprovider", "-m", "not browser"]

# The engine's fast, deterministic tests, the quickest killers first (`-x` stops at the first
# failure). The slow Hypothesis properties are left out: they kill little the tables do not.
ENGINE_TESTS = (
    "tests/test_rules.py",
    "tests/test_vignettes.py",
    "tests/test_bank.py",
    "tests/test_journey.py",
    "--deselect=tests/test_journey.py::test_the_journey_agrees_with_the_engine",
    "tests/test_actions.py",
    "--deselect=tests/test_actions.py::test_no_action_contradicts_an_answer",
)
COOKIE_TESTS = (
    "tests/test_answers.py",
    "tests/test_security.py::test_an_expired_cookie_gives_a_fresh_start",
    "tests/test_security.py::test_idle_answers_are_cleared_with_a_message",
    "tests/test_security.py::test_answers_from_an_older_bank_give_a_fresh_start",
    "tests/test_security.py::test_active_use_does_not_renew_the_lifetime",
    "tests/test_security.py::test_the_cookie_holds_indexes_not_words",
    "tests/test_security.py::test_tampered_forms_are_refused_and_store_nothing",
    "tests/test_interrupts.py",
)


@dataclass(frozen=True)
class Target:
    """A module to mutate, the tests that cover it, and (optionally) only some of its functions."""

    path: str
    tests: tuple[str, ...]
    functions: frozenset[str] = frozenset()


TARGETS = (
    Target("screener/rules.py", ENGINE_TESTS),
    Target("screener/bank/conditions.py", ENGINE_TESTS),
    Target("screener/journey.py", ("tests/test_journey.py", *ENGINE_TESTS[:3])),
    Target("screener/answers.py", COOKIE_TESTS),
    Target("screener/bank/facts.py", ENGINE_TESTS),
    Target("screener/bank/regional.py", ("tests/test_bank.py",)),
    Target("screener/bank/resources.py", ("tests/test_bank.py",)),
    Target("screener/bank/actions.py", ("tests/test_actions.py",)),
    # Only the part of the builder that reads the facts and wires them in.
    Target("screener/bank/builder.py", ENGINE_TESTS, frozenset({"Builder.build"})),
)

# Survivors judged equivalent: no behaviour changes, so no test can kill them. Keyed by the
# module and function, the text of the mutated line and the change; a changed line shows up
# again as a survivor, to be judged again.
ABORTED = "the bank already has a problem here: the load stops with BankError anyway"
EQUIVALENT: dict[tuple[str, str, str], str] = {
    (
        "screener/rules.py:_Triggers.__call__",
        "if qid in found or qid not in self.answers:",
        "qid in found or qid not in self.answers  ->  qid in found and qid not in self.answers",
    ): "supporting() yields only answered questions; a repeat sets the same trigger again",
    ("screener/rules.py:_Triggers.__call__", "continue", "continue  ->  pass"): (
        "in _Triggers: a repeated question sets the same trigger under the same key again"
    ),
    ("screener/bank/conditions.py:_build_at_least", "count = 1", "1  ->  2"): ABORTED,
    ("screener/bank/conditions.py:_build_at_least", "count = 1", "1  ->  0"): ABORTED,
    ("screener/bank/builder.py:Builder.build", "version = 0", "0  ->  1"): ABORTED,
    ("screener/bank/resources.py:Resources.in_language", "continue", "continue  ->  pass"): ABORTED,
    ("screener/bank/conditions.py:", "lists_answers=True,", "True  ->  False"): (
        "an operator that reads a question itself never consults lists_answers"
    ),
    (
        "screener/bank/conditions.py:",
        'Operator(("not",), Not, _build_not, _compile_not, _its_item, _no_question, lists_answers=False),',
        "False  ->  True",
    ): "a true `not` has a false item, and supporting() descends only into true items",
    ("screener/journey.py:Journey", "bank: Bank = field(repr=False)", "False  ->  True"): (
        "only the repr changes"
    ),
}
COMPARE_SWAPS: dict[type[ast.cmpop], type[ast.cmpop]] = {
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
}
BINARY_SWAPS: dict[type[ast.operator], type[ast.operator]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
    ast.BitAnd: ast.BitOr,
}
CALL_SWAPS = {"any": "all", "all": "any", "min": "max", "max": "min"}


@dataclass(frozen=True)
class Mutant:
    """One change to one module: where it is, what it does, and the text that replaces it."""

    path: str
    number: int
    line: int
    start: tuple[int, int]
    end: tuple[int, int]
    replacement: str
    change: str
    # The function (or class) it is in, and its line's text, stripped: to recognise a mutant
    # judged equivalent.
    scope: str = ""
    line_text: str = ""

    @property
    def equivalent(self) -> str | None:
        """Return why this mutant was judged equivalent, or None."""
        return EQUIVALENT.get((f"{self.path}:{self.scope}", self.line_text, self.change))

    @property
    def id(self) -> str:
        """Return the mutant's id, e.g. answers.py#12."""
        return f"{Path(self.path).name}#{self.number}"

    def apply(self, source: str) -> str:
        """Return `source` with this one change made."""
        # The AST's columns count UTF-8 bytes, and only "\n" ends a line for it.
        data = source.encode()
        offsets = [0]
        for text in data.split(b"\n"):
            offsets.append(offsets[-1] + len(text) + 1)
        begin = offsets[self.start[0] - 1] + self.start[1]
        finish = offsets[self.end[0] - 1] + self.end[1]
        return (data[:begin] + self.replacement.encode() + data[finish:]).decode()


def _short(node: ast.AST) -> str:
    text = " ".join(ast.unparse(node).split())
    return text if len(text) <= 70 else text[:67] + "..."


class _Finder(ast.NodeVisitor):
    """Walk one module and yield (node, replacement node or text) for every mutation point."""

    def __init__(self, functions: frozenset[str]) -> None:
        self.functions = functions
        self.scope: list[str] = []
        self.points: list[tuple[ast.expr | ast.stmt, str, str, str]] = []

    def wanted(self) -> bool:
        return not self.functions or ".".join(self.scope) in self.functions

    def add(self, node: ast.expr | ast.stmt, new: ast.AST | str, change: str = "") -> None:
        """Record a mutation point: a statement's new text, or an expression's new node."""
        if not self.wanted():
            return
        if isinstance(new, str):
            self.points.append((node, new, change or f"{_short(node)}  ->  {new}", ".".join(self.scope)))
        else:
            text = ast.unparse(new)
            change = change or f"{_short(node)}  ->  {_short(new)}"
            self.points.append((node, f"({text})", change, ".".join(self.scope)))

    # scopes, and what is never mutated ---------------------------------------------------

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.scope.append(node.name)
        self.body(node.body)
        self.scope.pop()

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.scope.append(node.name)
        for default in [*node.args.defaults, *node.args.kw_defaults]:
            if default is not None:
                self.visit(default)
        self.body(node.body)
        self.scope.pop()

    def body(self, statements: list[ast.stmt]) -> None:
        """Visit a body, leaving out its docstring."""
        first = statements[0] if statements else None
        if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
            statements = statements[1:]
        for statement in statements:
            self.visit(statement)

    def visit_Module(self, node: ast.Module) -> None:
        self.body(node.body)

    def visit_If(self, node: ast.If) -> None:
        if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            return
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.visit(node.value)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        """Leave type arguments (tuple[str, ...]) whole; an index may still change."""
        self.visit(node.value)
        if isinstance(node.slice, ast.Tuple):
            for item in node.slice.elts:
                self.visit(item)
        else:
            self.visit(node.slice)

    def visit_JoinedStr(self, node: ast.JoinedStr) -> None:
        """Leave f-strings alone (messages, and their positions are unreliable)."""

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """Imports are not behaviour."""

    # the mutations -----------------------------------------------------------------------

    def visit_Compare(self, node: ast.Compare) -> None:
        for i, op in enumerate(node.ops):
            swap = COMPARE_SWAPS.get(type(op))
            if swap is not None:
                ops = [*node.ops]
                ops[i] = swap()
                self.add(node, ast.Compare(node.left, ops, node.comparators))
        self.generic_visit(node)

    def visit_BoolOp(self, node: ast.BoolOp) -> None:
        self.add(node, ast.BoolOp(ast.Or() if isinstance(node.op, ast.And) else ast.And(), node.values))
        self.generic_visit(node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        if isinstance(node.op, ast.Not):
            self.add(node, node.operand)
        self.generic_visit(node)

    def visit_BinOp(self, node: ast.BinOp) -> None:
        swap = BINARY_SWAPS.get(type(node.op))
        if swap is not None:
            self.add(node, ast.BinOp(node.left, swap(), node.right))
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, bool):
            self.add(node, ast.Constant(not node.value))
        elif isinstance(node.value, int):
            self.add(node, ast.Constant(node.value + 1))
            self.add(node, ast.Constant(node.value - 1))

    def visit_Call(self, node: ast.Call) -> None:
        if isinstance(node.func, ast.Name) and node.func.id in CALL_SWAPS:
            self.add(node, ast.Call(ast.Name(CALL_SWAPS[node.func.id]), node.args, node.keywords))
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self.add(node, "return None")
        self.generic_visit(node)

    def visit_Expr(self, node: ast.Expr) -> None:
        if isinstance(node.value, ast.Call):
            self.add(node, "pass")
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        if all(isinstance(t, ast.Subscript | ast.Attribute) for t in node.targets):
            self.add(node, "pass")  # a side effect on the session or an object, left out
        if any(isinstance(t, ast.Tuple) for t in node.targets) and isinstance(node.value, ast.Tuple):
            for value in node.value.elts:  # a, b = x, y: leaving one out cannot even unpack
                self.visit(value)
        else:
            self.visit(node.value)
        for target in node.targets:
            if isinstance(target, ast.Subscript | ast.Attribute):
                self.visit(target)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.add(node, "pass")
        self.generic_visit(node)

    def visit_Continue(self, node: ast.Continue) -> None:
        self.add(node, "pass")

    def visit_Break(self, node: ast.Break) -> None:
        self.add(node, "pass")

    def visit_Tuple(self, node: ast.Tuple) -> None:
        self.leave_one_out(node)
        self.generic_visit(node)

    def visit_Set(self, node: ast.Set) -> None:
        self.leave_one_out(node)
        self.generic_visit(node)

    def leave_one_out(self, node: ast.Tuple | ast.Set) -> None:
        """Drop each entry of a literal table of names or plain values (like `KEYS`)."""
        if len(node.elts) < 2 or not all(isinstance(e, ast.Name | ast.Constant) for e in node.elts):
            return
        if isinstance(node, ast.Tuple) and not isinstance(node.ctx, ast.Load):
            return
        for i, left_out in enumerate(node.elts):
            rest = [e for j, e in enumerate(node.elts) if j != i]
            new = ast.Tuple(rest, ast.Load()) if isinstance(node, ast.Tuple) else ast.Set(rest)
            self.add(node, new, f"{_short(left_out)} left out of {_short(node)}")


def mutants_of(target: Target, root: Path = ROOT) -> list[Mutant]:
    """Return every mutant of one module that still compiles, numbered in source order."""
    source = (root / target.path).read_text(encoding="utf-8")
    finder = _Finder(target.functions)
    finder.visit(ast.parse(source))
    result: list[Mutant] = []
    for node, replacement, change, scope in finder.points:
        start = (node.lineno, node.col_offset)
        end = (node.end_lineno or node.lineno, node.end_col_offset or node.col_offset)
        text = source.split("\n")[node.lineno - 1].strip()
        number = len(result) + 1
        mutant = Mutant(target.path, number, node.lineno, start, end, replacement, change, scope, text)
        try:
            compile(mutant.apply(source), target.path, "exec")
        except SyntaxError:
            continue
        result.append(mutant)
    return result


# --- running ----------------------------------------------------------------------------


def copy_of_repository(into: Path) -> Path:
    """Copy the repository (without .git, the venv or caches) into a new folder under `into`."""
    copy = Path(tempfile.mkdtemp(prefix="copy-", dir=into))
    ignore = shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "__pycache__", "*.egg-info", ".*_cache", ".hypothesis", "build"
    )
    shutil.copytree(ROOT, copy, ignore=ignore, dirs_exist_ok=True)
    if (ROOT / "node_modules").is_dir():
        (copy / "node_modules").symlink_to(ROOT / "node_modules")
    return copy


def run_tests(copy: Path, tests: Sequence[str], timeout: float) -> str:
    """Run tests in a copy: "passed", "failed" or "timeout" (the whole process group is stopped)."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(copy)}
    command = [sys.executable, "-m", "pytest", *PYTEST, *tests]
    with subprocess.Popen(
        command,
        cwd=copy,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    ) as process:
        try:
            return "passed" if process.wait(timeout=timeout) == 0 else "failed"
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            return "timeout"


def check_copy(copy: Path) -> None:
    """Make sure `import screener` in the copy finds the copy, not the installed app."""
    found = subprocess.run(
        [sys.executable, "-c", "import screener; print(screener.__file__)"],
        cwd=copy,
        env={**os.environ, "PYTHONPATH": str(copy)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not Path(found).is_relative_to(copy):
        raise SystemExit(f"mutate: the copy imports screener from {found}, not from {copy}")


def try_mutant(mutant: Mutant, copy: Path, tests: Sequence[str], timeout: float) -> str:
    """Write one mutant into the copy, run its tests, and put the module back whatever happens."""
    path = copy / mutant.path
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(mutant.apply(original), encoding="utf-8")
        return run_tests(copy, tests, timeout)
    finally:
        path.write_text(original, encoding="utf-8")
        shutil.rmtree(copy / ".hypothesis", ignore_errors=True)  # no example saved for the next


def choose(all_mutants: list[Mutant], wanted: Sequence[str], sample: int | None, seed: int) -> list[Mutant]:
    """Pick the mutants to run: the ids asked for, a random sample, or all of them."""
    if wanted:
        by_id = {m.id: m for m in all_mutants}
        unknown = [w for w in wanted if w not in by_id]
        if unknown:
            raise SystemExit(f"mutate: no such mutant: {', '.join(unknown)}")
        return [by_id[w] for w in wanted]
    if sample is not None and sample < len(all_mutants):
        picked = random.Random(seed).sample(all_mutants, sample)
        return sorted(picked, key=lambda m: (m.path, m.number))
    return all_mutants


def main(argv: Sequence[str] | None = None) -> int:
    """Run the mutants asked for and print every survivor, then the score."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("ids", nargs="*", help="only these mutants, e.g. answers.py#12")
    parser.add_argument("--sample", type=int, help="run a random sample of this many mutants")
    parser.add_argument("--seed", type=int, default=1, help="the sample's seed (default 1)")
    parser.add_argument("--jobs", type=int, default=2, help="mutants run at once (default 2)")
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    args = parser.parse_args(argv)

    all_mutants = [m for target in TARGETS for m in mutants_of(target)]
    chosen = choose(all_mutants, args.ids, args.sample, args.seed)
    if args.list:
        for m in chosen:
            print(f"{m.id:22} {m.path}:{m.line}  {m.change}")
        print(f"{len(chosen)} mutants")
        return 0
    tests = {t.path: t.tests for t in TARGETS}
    with tempfile.TemporaryDirectory(prefix="screener-mutate-") as scratch:
        copies: queue.Queue[Path] = queue.Queue()
        for _ in range(max(1, args.jobs)):
            copies.put(copy_of_repository(Path(scratch)))
        timeouts = baseline(copies, tests, chosen)
        print(f"{len(chosen)} mutants of {len(all_mutants)}, {args.jobs} at a time", flush=True)

        def one(mutant: Mutant) -> tuple[Mutant, str]:
            copy = copies.get()
            try:
                return mutant, try_mutant(mutant, copy, tests[mutant.path], timeouts[mutant.path])
            finally:
                copies.put(copy)

        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            results = list(report(pool.map(one, chosen), len(chosen)))
    return summary(results)


def baseline(
    copies: queue.Queue[Path], tests: dict[str, tuple[str, ...]], chosen: list[Mutant]
) -> dict[str, float]:
    """Run each set of tests once unmutated: they must pass; a mutant may take 3 times as long."""
    copy = copies.get()
    check_copy(copy)
    took: dict[tuple[str, ...], float] = {}
    for path in dict.fromkeys(m.path for m in chosen):
        if tests[path] not in took:
            began = time.monotonic()
            if run_tests(copy, tests[path], timeout=1800) != "passed":
                raise SystemExit(f"mutate: the tests for {path} fail without any mutant; fix them first")
            took[tests[path]] = time.monotonic() - began
            print(f"{path}: its tests pass unmutated in {took[tests[path]]:.0f} s", flush=True)
    copies.put(copy)
    return {path: 3 * took[tests[path]] + 10 for path in tests if tests[path] in took}


def report(results: Iterator[tuple[Mutant, str]], total: int) -> Iterator[tuple[Mutant, str]]:
    """Print each survivor as it is found, and how far the run is every 25 mutants."""
    survived = 0
    for done, (mutant, outcome) in enumerate(results, start=1):
        if outcome == "passed":
            survived += 1
            where = f"{mutant.id:20} {mutant.path}:{mutant.line}  {mutant.change}"
            if mutant.equivalent:
                print(f"EQUIVALENT {where}\n    judged equivalent: {mutant.equivalent}", flush=True)
            else:
                print(f"SURVIVED {where}", flush=True)
        if done % 25 == 0 and done < total:
            print(f"... {done} / {total} run, {survived} survived so far", flush=True)
        yield mutant, outcome


def summary(results: list[tuple[Mutant, str]]) -> int:
    """Print the score per module and in all (timeouts count as killed); 1 if a survivor is not judged."""
    for path in dict.fromkeys(m.path for m, _ in results):
        outcomes = [o for m, o in results if m.path == path]
        print(f"  {path}: {len(outcomes) - outcomes.count('passed')} / {len(outcomes)} killed")
    total = len(results)
    survivors = [m for m, o in results if o == "passed"]
    equivalent = sum(1 for m in survivors if m.equivalent)
    timed_out = sum(1 for _, o in results if o == "timeout")
    killed = total - len(survivors)
    score = 100 * killed / total if total else 100.0
    print(f"mutation score: {killed} / {total} killed ({score:.1f} %), {timed_out} of them by a timeout;")
    print(f"{len(survivors)} survived: {equivalent} judged equivalent, {len(survivors) - equivalent} not")
    return 1 if len(survivors) > equivalent else 0


if __name__ == "__main__":
    sys.exit(main())
