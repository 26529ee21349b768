# One entry point for maintainers and CI. Every target bootstraps the virtualenv first.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
SOURCES ?= ../shared/sources
RELEASES ?= releases
# The published release root (the gh-pages branch) the release workflow adds a version to.
SITE ?= site
# Build next to the versions already published here (copied into RELEASES first).
SEED ?=
# Options of benchmarks/run.py, e.g. BENCH=--quick (small sizes, fewer repeats).
BENCH ?=
# The version datapackage/datapackage.json declares.
VERSION ?= $(shell $(PYTHON) -c 'import json; print(json.load(open("datapackage/datapackage.json"))["version"])')
STAMP  := $(VENV)/.installed

.PHONY: help venv bytecode demo validate build check test lint typecheck countries pins bench map-docs \
        clean dictionary frictionless release-validate publish tag-check site-checkout \
        site-push github-release

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[build,plot,test,dev,export]'
	touch $(STAMP)

# pip compiles the bytecode of installed packages, not of an editable checkout: without this,
# a machine with PYTHONDONTWRITEBYTECODE=1 (CI images often set it) compiles every module of
# src/ again in every run (about 0.2 s of CPU per command). Only stale files are recompiled.
bytecode: $(STAMP)  ## compile src/ to bytecode once (stale files only; every running target does it)
	@$(BIN)/python -m compileall -q src

venv: bytecode  ## create .venv with pinned dependencies

demo: bytecode  ## main job: validate, build a release from the shipped data, load it back
	$(BIN)/leadertravel demo --sources $(SOURCES) --releases $(RELEASES)

validate: $(STAMP)  ## validate the data package (frictionless + semantic rules)
	$(BIN)/leadertravel validate

build: bytecode  ## build the release whose version datapackage/datapackage.json declares
ifneq ($(SEED),)
	mkdir -p $(RELEASES)
	tar -C $(SEED) --exclude=./.git -cf - . | tar -C $(RELEASES) -xf -
endif
	$(BIN)/leadertravel build --sources $(SOURCES) --releases $(RELEASES)

check: bytecode  ## rebuild the latest local release in a temp dir and compare hashes
	$(BIN)/leadertravel build --sources $(SOURCES) --releases $(RELEASES) --check latest

test: $(STAMP)  ## the full test suite (what CI runs)
	$(BIN)/python -m pytest -q

lint: $(STAMP)  ## ruff
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

typecheck: $(STAMP)  ## mypy --strict on the package
	$(BIN)/mypy

frictionless: $(STAMP)  ## frictionless validate the data package datapackage/datapackage.json
	$(BIN)/frictionless validate datapackage/datapackage.json

release-validate: $(STAMP)  ## frictionless validate release VERSION in RELEASES as downloaded
	$(BIN)/frictionless validate $(RELEASES)/$(VERSION)/datapackage.json

publish: $(STAMP)  ## add release VERSION from RELEASES to the release root SITE (never overwrites)
	$(BIN)/leadertravel publish $(VERSION) --from $(RELEASES) --to $(SITE)

tag-check:  ## fail unless TAG is v + the version datapackage/datapackage.json declares
	@test "$(TAG)" = "v$(VERSION)" || { echo "tag '$(TAG)' is not v$(VERSION), the version of datapackage/datapackage.json; tag the commit that declares it" >&2; exit 1; }

site-checkout:  ## clone the gh-pages branch of REPO_URL (the published release root) into SITE
	@git clone --quiet --branch gh-pages --single-branch "$(REPO_URL)" $(SITE) || { \
	    echo "no gh-pages branch yet: starting an empty release root" >&2; \
	    mkdir -p $(SITE) && git -C $(SITE) init --quiet -b gh-pages && \
	    git -C $(SITE) remote add origin "$(REPO_URL)"; }

site-push:  ## commit the release root SITE and push it to gh-pages (a plain push, never forced)
	touch $(SITE)/.nojekyll
	git -C $(SITE) add -A
	git -C $(SITE) -c user.name="github-actions[bot]" \
	    -c user.email="41898282+github-actions[bot]@users.noreply.github.com" \
	    commit --quiet -m "Publish leadertravel $(VERSION)"
	git -C $(SITE) push --quiet origin gh-pages

github-release:  ## create GitHub Release TAG with the files of SITE/VERSION (fails if it exists)
	gh release create "$(TAG)" $(SITE)/$(VERSION)/* --verify-tag \
	    --title "leadertravel $(VERSION)" --notes-file $(SITE)/$(VERSION)/CHANGELOG.md

countries: $(STAMP)  ## regenerate data/reference/countries.csv from the pinned pycountry
	$(BIN)/python scripts/make_countries.py

pins: $(STAMP)  ## re-pin every source snapshot a build reads (importer inputs, state-system) by sha256
	$(BIN)/python scripts/pin_sources.py --sources $(SOURCES)

dictionary: $(STAMP)  ## regenerate docs/data-dictionary.md from the Table Schemas
	$(BIN)/leadertravel dictionary

map-docs: $(STAMP)  ## redraw the README's map of the September 2023 journey from $(RELEASES)
	test -f $(RELEASES)/index.json || $(MAKE) build
	$(BIN)/leadertravel map kim-jong-un-2023-09-10 --source $(RELEASES) --dpi 80 \
		-o docs/img/kim-jong-un-2023-09-10.png

bench: bytecode  ## benchmarks: each figure, its target ± tolerance, verdict (~15 min; BENCH=--quick ~4 min)
	$(BIN)/python benchmarks/run.py $(BENCH)

clean:  ## remove the virtualenv and build outputs (never a published release root)
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
