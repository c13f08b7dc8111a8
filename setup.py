"""Packaging hook: ship the repo-level knowledge/ and prompts/ folders inside the wheel, as coach/knowledge
and coach/prompts (coach.paths looks there first, then beside the package, as in a checkout or an editable
install). Everything else is declared in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ("knowledge", "prompts")


class BuildWithData(build_py):
    """build_py, plus copies of knowledge/*.md and prompts/*.yaml into the built package."""

    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads them from the checkout
        for name in DATA_FOLDERS:
            target = Path(self.build_lib) / "coach" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildWithData})
