# Two entry points from a clean clone: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: format install demo test test-full lint typecheck imports constraints bench

# pyproject.toml says which versions work; constraints.txt pins the exact ones the suite was run
# with (the TUI snapshots need the exact Textual), so every clean clone installs the tested set.
$(STAMP): pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test,formats]'
	touch $(STAMP)

install: $(STAMP)

demo: install  ## install everything, build the demo project and open it
	$(VENV)/bin/evalbench demo

test: lint  ## install everything, run the static checks, then the whole test suite
	$(VENV)/bin/pytest -n 2

test-full: lint  ## the same, with the long Hypothesis profile (10x the generated inputs; slow)
	$(VENV)/bin/pytest -n 2 --hypothesis-profile=long

# The static checks, cheapest first; each stops make before the suite runs. Measured on this 2-core machine:
# mypy ~10 s from a clean clone (0.5 s with its cache), lint-imports 0.5 s, against ~3 min of pytest.
lint: install  ## ruff (lint and format), mypy on the core, and the import contracts
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-logo

typecheck: install  ## mypy on the core (everything but evalbench/tui; config in pyproject.toml)
	$(VENV)/bin/mypy

imports: install  ## the import contracts in pyproject.toml (no Textual in the core, SQL only in the store, ...)
	$(VENV)/bin/lint-imports --no-logo

constraints: install  ## after changing a dependency and running the tests: pin what the venv now holds
	( echo "# Exact versions of everything '.[test,formats]' installs, as tested: make install uses them."; \
	  echo "# Regenerate with 'make constraints' after changing a dependency (see docs/architecture.md)."; \
	  $(PY) -m pip freeze --exclude-editable ) > constraints.txt

bench: install  ## run the benchmark suite (slow; by hand, not in CI)
	$(PY) -m benchmarks

format: install  ## format the code the house way (make lint checks it)
	$(VENV)/bin/ruff format .
