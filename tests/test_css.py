"""The stylesheet holds no dead rules: every class it styles is one a page can carry (issue 26)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CSS = ROOT / "screener" / "static" / "screener.css"


def sources() -> str:
    """The templates, scripts and Python that write class names into pages."""
    paths = [*(ROOT / "templates").glob("*.html"), *(ROOT / "screener" / "static").glob("*.js")]
    paths += (ROOT / "screener").rglob("*.py")
    return "\n".join(path.read_text(encoding="utf-8") for path in paths)


def styled_classes(css: str) -> set[str]:
    """Every class a selector in the stylesheet names."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    selectors = re.sub(r"\{[^{}]*\}", "{}", css)  # drop declarations (numbers like 0.5rem)
    return set(re.findall(r"\.(-?[_a-zA-Z][\w-]*)", selectors))


def unused(classes: set[str], written: str) -> list[str]:
    """The classes no template, script or module writes, whole or as a prefix a template fills in
    (`care-card--{{ result.level }}`)."""
    attributes = re.findall(r'class="([^"]*)"|body_class %\}(.*?)\{%', written)
    filled = {p for pair in attributes for value in pair for p in re.findall(r"([\w-]+-)\{\{", value)}
    return sorted(
        name
        for name in classes
        if not re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", written)
        and not any(name.startswith(prefix) for prefix in filled)
    )


def test_every_class_the_stylesheet_styles_can_be_on_a_page() -> None:
    classes = styled_classes(CSS.read_text(encoding="utf-8"))
    assert {"care-card__heading", "is-exiting", "sources__n"} <= classes, "the selectors were read"
    assert not unused(classes, sources()), "rules for classes no page can carry: remove them"


@pytest.mark.parametrize(
    ("css", "dead"),
    [
        (".button--small { margin: 0; }", ["button--small"]),
        ("@media print { .page-x .glance__list a { padding: 0; } }", ["glance__list", "page-x"]),
        (".care-card--urgent .care-card__heading { color: #fff; }", []),  # filled in by a template
    ],
)
def test_a_class_nothing_writes_is_found(css: str, dead: list[str]) -> None:
    written = '<div class="care-card care-card--{{ level }}"><h2 class="care-card__heading">'
    assert unused(styled_classes(css), written) == dead
