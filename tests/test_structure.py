"""The code stays easy to read: no module under screener/ grows past 450 lines (issue 14)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MOST_LINES = 450


def test_no_module_is_over_450_lines() -> None:
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for path in (ROOT / "screener").rglob("*.py")
    }
    assert len(sizes) > 10, "the walk found the package"
    too_long = {name: lines for name, lines in sizes.items() if lines > MOST_LINES}
    assert not too_long, f"split these by concern (as screener/bank/ is): {too_long}"
