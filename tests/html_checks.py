"""Checks every page the tests render: the structure that assistive technology relies on."""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup

from screener.i18n import LANGUAGES


def page_problems(html: str, csrf: bool = True) -> list[str]:
    """Return what is wrong with a page's structure (empty when it is sound)."""
    soup = BeautifulSoup(html, "html.parser")
    problems = []
    if soup.html is None or soup.html.get("lang") not in LANGUAGES:
        problems.append("no <html lang>")
    if not (soup.title and soup.title.get_text(strip=True)):
        problems.append("no <title>")
    h1s = soup.find_all("h1")
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} <h1> elements")
    ids = Counter(tag["id"] for tag in soup.find_all(id=True))
    problems += [f"duplicate id {i!r}" for i, n in ids.items() if n > 1]
    for link in soup.select('a[href^="#"]'):
        target = link["href"][1:]
        if target and target not in ids:
            problems.append(f"link to missing id {target!r}")
    for field in soup.find_all(["input", "select", "textarea"]):
        if field.get("type") in {"hidden", "submit", "button"}:
            continue
        field_id = field.get("id")
        if not field_id or not soup.find("label", attrs={"for": field_id}):
            problems.append(f"field {field.get('name')!r} has no label")
        if field.get("type") in {"radio", "checkbox"}:
            fieldset = field.find_parent("fieldset")
            legend = fieldset.find("legend") if fieldset else None
            if legend is None or not legend.get_text(strip=True):
                problems.append(f"choices {field.get('name')!r} not in a fieldset with a legend")
    for described in soup.find_all(attrs={"aria-describedby": True}):
        for target in described["aria-describedby"].split():
            if target not in ids:
                problems.append(f"aria-describedby points to missing id {target!r}")
    for form in soup.find_all("form", method="post") if csrf else ():
        action = form.get("action", "")
        # Exit and Clear must work on a page left open for hours: they only forget.
        exempt = action.endswith(("/exit", "/clear"))
        if not exempt and not form.find("input", attrs={"name": "csrf_token"}):
            problems.append(f"POST form {action or '(this page)'} has no CSRF token")
    for tag in soup.find_all(["script", "link", "img"]):
        src = tag.get("src") or tag.get("href") or ""
        if src.startswith(("http:", "https:", "//")):
            problems.append(f"loads from another host: {src}")
    if soup.find(style=True) or soup.find("style") or soup.find("script", src=False):
        problems.append("inline style or script (blocked by the CSP)")
    return problems
