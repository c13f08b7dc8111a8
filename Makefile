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

.PHONY: run test setup lint bench clean-venv

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(APP_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@ $(APP_STAMP)

setup: $(APP_STAMP)

run: $(APP_STAMP)
	$(VENV)/bin/coach $(ARGS)

test: $(DEV_STAMP)
	@command -v tmux >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq tmux >/dev/null; } || echo "tmux not installed: the terminal end-to-end test will be skipped"
	@command -v strace >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get update -qq && apt-get install -y -qq strace >/dev/null; } || echo "strace not installed: the syscall-level no-network test will be skipped"
	$(VENV)/bin/lint-imports
	$(PY) -m pytest

bench: $(DEV_STAMP)
	$(PY) bench/bench_index.py

clean-venv:
	rm -rf $(VENV)
