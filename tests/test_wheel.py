"""A built wheel, installed (not editable) in a fresh venv, serves the app from any directory.

The question bank and the templates live at the top level of the repository; setup.py copies
them into the wheel. This builds the wheel, installs it with the app's locked dependencies
(pip's cache or the package index), and runs gunicorn and the bank check from an empty folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

from tests.helpers import SECRET
from tests.servers import ROOT, app_env, free_port, gunicorn, start


def run(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_a_built_wheel_serves_the_start_page_from_another_directory(tmp_path: Path) -> None:
    dist, venv, elsewhere = tmp_path / "dist", tmp_path / "venv", tmp_path / "elsewhere"
    elsewhere.mkdir()
    # From a clean copy of the source: setuptools reuses a build/ folder left in the tree.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(
            ".git", ".venv", "node_modules", "build", "*.egg-info", "__pycache__", ".*_cache", ".hypothesis"
        ),
    )
    run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(dist), "."], source)
    (wheel,) = dist.glob("screener-*.whl")
    run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    python = str(venv / "bin" / "python")
    # As scripts/setup does: the locked dependencies (checked against their hashes), then the
    # wheel itself without dependencies (a wheel just built has no hash in the lock).
    pip = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run([*pip, "--require-hashes", "-r", str(ROOT / "requirements" / "run.txt")], tmp_path)
    run([*pip, "--no-deps", str(wheel)], tmp_path)

    env = {k: v for k, v in app_env(SECRET).items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    show = "import screener, screener.bank as b; print(screener.__file__, b.DEFAULT_PATH)"
    where = run([python, "-c", show], elsewhere, env)
    assert str(venv) in where and str(ROOT) not in where, where
    checked = run([str(venv / "bin" / "flask"), "--app", "screener", "bank", "check"], elsewhere, env)
    assert checked.startswith("OK: 3 audiences"), checked

    port = free_port()
    command = [
        str(venv / "bin" / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--log-level",
        "warning",
        "screener:create_app()",
    ]
    assert command[0] != gunicorn()[0]
    with start(command, env, port, cwd=elsewhere) as server:
        with urllib.request.urlopen(server.base + "/", timeout=10) as response:
            page = response.read().decode()
        assert response.status == 200
        assert "<title>Start – " in page
        assert 'class="button button--start"' in page
        with urllib.request.urlopen(server.base + "/static/screener.css", timeout=10) as response:
            assert response.status == 200
            assert b"{" in response.read()
    assert not list(elsewhere.iterdir()), "running the app wrote files"
