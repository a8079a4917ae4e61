"""The question bank: questions.yaml loaded into frozen, typed objects, every problem located.

`model` holds the frozen objects; `reader` the strict YAML reader and `load`; `builder` builds
every part, naming each problem by its place, with the located checks of the small pieces in
`checks`; `conditions` defines each condition operator once (shape, evaluation, what it reads).
Everything is importable from here, as before.
"""

from __future__ import annotations

from .conditions import questions_in
from .model import (
    AUDIENCES,
    EMPTY_TEXT,
    ID_PATTERN,
    LEVELS,
    QUESTION_TYPES,
    REGIONS,
    UNSURE,
    YESNO_VALUES,
    Aftercare,
    AllOf,
    Answered,
    AnswerIs,
    AnyOf,
    Area,
    AtLeast,
    Audience,
    Bank,
    BankError,
    Block,
    Condition,
    Finding,
    Given,
    LearnPage,
    Not,
    Option,
    Part,
    Question,
    Resource,
    Section,
    Source,
    Text,
    TextList,
    tel_uri,
)
from .reader import DEFAULT_PATH, load, parse, read_yaml

__all__ = [
    "Aftercare",
    "AllOf",
    "Answered",
    "AnswerIs",
    "AnyOf",
    "Area",
    "AtLeast",
    "Audience",
    "AUDIENCES",
    "Bank",
    "BankError",
    "Block",
    "Condition",
    "DEFAULT_PATH",
    "EMPTY_TEXT",
    "Finding",
    "Given",
    "ID_PATTERN",
    "LearnPage",
    "LEVELS",
    "load",
    "Not",
    "Option",
    "parse",
    "Part",
    "Question",
    "QUESTION_TYPES",
    "questions_in",
    "read_yaml",
    "REGIONS",
    "Resource",
    "Section",
    "Source",
    "tel_uri",
    "Text",
    "TextList",
    "UNSURE",
    "YESNO_VALUES",
]
