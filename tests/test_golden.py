"""Every vignette's results read word for word as in tests/golden_pages.json (issue 26).

Speeding pages up must not change what anyone reads. To regenerate after a change to the words
that is meant, and to see what changed, see tests/golden.py.
"""

from __future__ import annotations

import json

from tests import golden


def test_every_vignette_s_results_read_as_the_golden_file() -> None:
    expected = json.loads(golden.GOLDEN.read_text())
    texts = golden.render_all()
    assert sorted(texts) == sorted(expected), "vignettes added or removed: run python -m tests.golden --write"
    changed = [key for key, text in texts.items() if golden.digest(text) != expected[key]]
    assert not changed, (
        f"{len(changed)} pages read differently, e.g. {changed[:5]}; "
        "if that is meant, see tests/golden.py to compare and regenerate"
    )
