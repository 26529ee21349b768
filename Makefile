# One entry point for maintainers and CI. Every target bootstraps the virtualenv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SOURCES ?= ../shared/sources/history-state-travels
RELEASES ?= releases
STAMP  := $(VENV)/.installed

.PHONY: help venv demo validate build check test lint typecheck countries pins bench map-docs clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[build,plot,test,dev]'
	touch $(STAMP)

venv: $(STAMP)  ## create .venv with pinned dependencies

demo: $(STAMP)  ## main job: validate, build a release from the shipped data, load it back
	$(BIN)/leadertravel demo --sources $(SOURCES) --releases $(RELEASES)

validate: $(STAMP)  ## validate the data package (frictionless + semantic rules)
	$(BIN)/leadertravel validate

build: $(STAMP)  ## build the release whose version datapackage/datapackage.json declares
	$(BIN)/leadertravel build --sources $(SOURCES) --releases $(RELEASES)

check: $(STAMP)  ## rebuild the latest local release in a temp dir and compare hashes
	$(BIN)/leadertravel build --sources $(SOURCES) --releases $(RELEASES) --check latest

test: $(STAMP)  ## the full test suite (what CI runs)
	$(BIN)/python -m pytest -q

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

typecheck: $(STAMP)  ## mypy --strict on the package
	$(BIN)/mypy

countries: $(STAMP)  ## regenerate data/reference/countries.csv from the pinned pycountry
	$(BIN)/python scripts/make_countries.py

pins: $(STAMP)  ## re-pin the Office of the Historian source files by sha256
	$(BIN)/python scripts/pin_sources.py --sources $(SOURCES)

map-docs: $(STAMP)  ## redraw the README's map of the September 2023 journey from $(RELEASES)
	test -f $(RELEASES)/index.json || $(MAKE) build
	$(BIN)/leadertravel map kim-jong-un-2023-09-10 --source $(RELEASES) --dpi 80 \
		-o docs/img/kim-jong-un-2023-09-10.png

bench: $(STAMP)  ## run the benchmarks (prints ratios)
	$(BIN)/python benchmarks/run.py

clean:  ## remove the virtualenv and build outputs (never a published release root)
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
