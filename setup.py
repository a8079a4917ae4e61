"""Put the top-level questions.yaml and templates/ into the built package.

In the repository they stay at the top level, where the README says a change of wording or of a
page goes; a built wheel carries copies inside the screener package, where the app finds them
when it runs from anywhere (screener/__init__.py and screener/bank/reader.py look there first).
Everything else about the build is in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildWithContent(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the files where they are
            return
        target = Path(self.build_lib) / "screener"
        shutil.copy2(ROOT / "questions.yaml", target / "questions.yaml")
        shutil.copytree(ROOT / "templates", target / "templates", dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithContent})
