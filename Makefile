# narratrace: the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
export OMP_NUM_THREADS ?= 1

.PHONY: demo test eval test-all lint bench clean constraints

# Installs the exact versions of constraints.txt (the ranges stay in pyproject.toml).
$(BIN)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt setuptools -e '.[test]'
	touch $@

## Rewrite constraints.txt from the current venv (after a dependency change, once the suite passes).
constraints:
	{ grep '^#' constraints.txt; $(BIN)/python -m pip freeze --all --exclude-editable \
	  | sed -E 's/^([A-Za-z0-9_.-]+) @ .*\/[A-Za-z0-9_.]+-([0-9][^-]*)-.*/\1==\2/' \
	  | grep -vE '^(pip|dask|distributed)=='; } > constraints.new && mv constraints.new constraints.txt

## Install, then analyse an example article: terminal summary plus out/report.html.
demo: $(BIN)/.installed
	mkdir -p out
	$(BIN)/narratrace --db sqlite:///out/demo.db analyze examples/opinion_piece.txt --html out/report.html --json out/report.json
	@echo "Open out/report.html in a browser (it works offline)."

## Install, then run the test suite on small fixtures (a throwaway PostgreSQL server is started
## when the binaries exist). Full benchmark evaluations are `make eval`.
test: $(BIN)/.installed
	scripts/with-postgres.sh $(BIN)/python -m pytest -m "not slow"

## The quality gates on the shared benchmarks (slow: embeds whole datasets on a cold cache).
eval: $(BIN)/.installed
	$(BIN)/python -m pytest -m slow

## Everything: `make test` plus `make eval`.
test-all: $(BIN)/.installed
	scripts/with-postgres.sh $(BIN)/python -m pytest

lint: $(BIN)/.installed
	$(BIN)/ruff check src tests benchmarks scripts

bench: $(BIN)/.installed
	$(BIN)/python benchmarks/analyze_speed.py

clean:
	rm -rf out build dist .pytest_cache
