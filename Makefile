# The README's two commands: `make run` (set up, then start coach) and `make test` (set up, then test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
APP_STAMP := $(VENV)/.installed-app
# llama-cpp-python compiles llama.cpp from source on first install: build only the library coach
# loads (no multimodal mtmd/llava, examples, tests, tools or server binaries), on both cores.
export CMAKE_ARGS ?= -DLLAVA_BUILD=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_TOOLS=OFF -DLLAMA_BUILD_SERVER=OFF -DGGML_NATIVE=ON
export CMAKE_BUILD_PARALLEL_LEVEL ?= 2
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test test-fast setup lint bench clean-venv

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# After installing, the search model's ONNX export is made once for this environment (a first run then
# indexes at once instead of exporting; see coach/retrieval/onnx_embedder.py), and the vectors of the
# bundled principles and sample notes with it (a first run indexes them without running the model).
$(APP_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	$(PY) -m coach.retrieval.onnx_embedder
	$(PY) -m coach.retrieval.vector_cache
	touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m coach.retrieval.onnx_embedder
	$(PY) -m coach.retrieval.vector_cache
	touch $@ $(APP_STAMP)

setup: $(APP_STAMP)

run: $(APP_STAMP)
	$(VENV)/bin/coach $(ARGS)

test: $(DEV_STAMP)
	@command -v tmux >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq tmux >/dev/null; } || echo "tmux not installed: the terminal end-to-end test will be skipped"
	@command -v strace >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq strace >/dev/null; } || echo "strace not installed: the syscall-level no-network test will be skipped"
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

# The edit loop: unit and service tests only (tiers are markers set by folder in tests/conftest.py).
test-fast: $(DEV_STAMP)
	$(PY) -m pytest -m "unit or service" -p no:cacheprovider

# Style (ruff), the layer contracts (import-linter) and types (mypy over all of coach/ and the UI tests' fake
# service; [tool.mypy] in pyproject.toml); .ci/run runs it before the tests.
lint: $(DEV_STAMP)
	$(VENV)/bin/ruff check coach tests bench setup.py
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: $(DEV_STAMP)
	$(PY) bench/bench_index.py

clean-venv:
	rm -rf $(VENV)
