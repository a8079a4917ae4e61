"""Read questions.yaml: strict YAML with located syntax errors, then every part checked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..paths import content
from .builder import Builder
from .model import Bank, BankError
from .regional import for_region

DEFAULT_PATH = content("questions.yaml")


# --- reading YAML ---------------------------------------------------------------------


# libyaml's parser is about ten times faster than the pure-Python one; the rules stay the same.
_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):  # type: ignore[misc]
    """A safe loader that refuses duplicate keys instead of keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        if key in seen:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key '{key}'", mark)
        seen.add(key)
    return dict(loader.construct_pairs(node))


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
# YAML 1.1 reads yes/no/on/off as booleans; answer values are words, so keep YAML 1.2's
# rule that only true and false are booleans.
_UniqueKeyLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_UniqueKeyLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


def read_yaml(text: str) -> Any:
    """Parse YAML text, raising BankError with the line and column of a syntax error."""
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # safe: a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown place"
        what = error.problem or error.context or "invalid YAML"
        raise BankError([f"YAML syntax error at {where}: {what}"]) from None
    except yaml.YAMLError as error:
        raise BankError([f"YAML error: {error}"]) from None


def read(path: str | Path | None = None) -> Any:
    """Read a bank file's YAML data; raise BankError when it cannot be read or parsed."""
    path = Path(path) if path else DEFAULT_PATH
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BankError([f"{path}: cannot read the file ({error})"]) from None
    return read_yaml(text)


def load(path: str | Path | None = None, region: str = "US") -> Bank:
    """Load and check a bank file, for a deployment region; raise BankError listing every problem."""
    return parse(read(path), region=region)


def parse(
    data: Any,
    yesno_labels: tuple[str, str, str] = ("Yes", "No", "Not sure"),
    language: str = "en",
    region: str = "US",
) -> Bank:
    """Build a Bank in `language` for `region` from parsed YAML; raise BankError listing every problem."""
    return Builder(for_region(data, region), yesno_labels, language).build()
