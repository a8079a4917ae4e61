"""Shared fixtures."""

from __future__ import annotations

import pytest
from click.testing import CliRunner


@pytest.fixture
def runner_for_cli() -> CliRunner:
    return CliRunner()
