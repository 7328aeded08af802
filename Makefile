# Two commands on a fresh machine:
#   make build   set everything up and build the dataset from raw/ into output/
#   make test    set everything up and run the linters, the type checker and the tests

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

.PHONY: build test lint typecheck check bench train shapes clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

# Installs are stamped so that a second `make` does not reinstall; pyproject changes do.
$(VENV)/.installed: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[test]'
	touch $(VENV)/.installed $@

build: $(VENV)/.installed
	$(BIN)/pipeline build

# The CommonMark and GFM spec examples the Markdown conformance test reads, from the sdist of the
# installed markdown-it-py (package registry, at install; never committed).
SPECS := $(VENV)/share/specs
$(SPECS)/SOURCE: constraints.txt tests/fetch_specs.py | $(VENV)/.installed-test
	$(BIN)/python tests/fetch_specs.py $(SPECS)

test: $(VENV)/.installed-test $(SPECS)/SOURCE
	$(BIN)/ruff check exercise_pipeline tests benchmarks
	$(BIN)/ruff format --check exercise_pipeline tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

$(VENV)/.installed-bench: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) install --quiet -c constraints.txt -e '.[test,bench]'
	touch $(VENV)/.installed $(VENV)/.installed-test $@

# Quality and speed figures; the HTML work beside trafilatura, resiliparse, justext,
# readability-lxml and raw lxml on ../shared/bench/pages (the `bench` extra installs them).
bench: $(VENV)/.installed-bench
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/builds.py --factors 1,10,100
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/loso.py
	$(BIN)/python benchmarks/promotions.py
	$(BIN)/python benchmarks/ingest.py --sources 2000
	$(BIN)/python benchmarks/crawl.py --records 1000
	$(BIN)/python benchmarks/scaling.py --max-bytes 5000000

# Rewrites tests/cases/shapes.json (the shape articles of the extraction tests, with what the
# tests accept): run it after adding an extraction test, then `make train`.
shapes: $(VENV)/.installed-test
	$(BIN)/pytest -q -p tests.capture_shapes -p no:cacheprovider \
	  tests/test_extract.py tests/test_generalisation.py tests/test_shapes.py

# Retrains the role model (exercise_pipeline/data/roles.json), then refits the pair-score weights
# (exercise_pipeline/data/merge_weights.json), from the labelled articles in ../shared, the golden
# cases and the review decisions; deterministic: tests check both shipped files.
train: $(VENV)/.installed-test
	$(BIN)/python -m exercise_pipeline.extract.train --gold ../shared/eval/gold.json \
	  --articles raw ../shared/corpus/dev
	$(BIN)/python -m exercise_pipeline.merge.fit --gold ../shared/eval/gold.json \
	  --articles raw ../shared/corpus/dev
	$(BIN)/python benchmarks/loso.py --write exercise_pipeline/data/evaluation.json

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
