# Two entry points from a clean clone: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test test-full lint bench

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,formats]'
	touch $(STAMP)

install: $(STAMP)

demo: install  ## install everything, build the demo project and open it
	$(VENV)/bin/evalbench demo

test: install  ## install everything, lint, and run the whole test suite
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2

test-full: install  ## the same, with the long Hypothesis profile (10x the generated inputs; slow)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n 2 --hypothesis-profile=long

lint: install
	$(VENV)/bin/ruff check .

bench: install  ## run the benchmark suite (slow; by hand, not in CI)
	$(PY) -m benchmarks
