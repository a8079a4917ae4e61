"""Shared fixtures: the app (CSRF on), its client and a walker. Helpers live in tests/helpers.py."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from screener.bank import Bank, load
from tests.helpers import Walker, make_app


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load()


@pytest.fixture
def app() -> Flask:
    """An app with CSRF on, as in production."""
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner_for_cli() -> CliRunner:
    return CliRunner()


@pytest.fixture
def walker(client: FlaskClient) -> Walker:
    return Walker(client)
