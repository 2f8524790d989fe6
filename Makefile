# otelstack: `make validate` checks the bundled stack (no cluster), `make test` runs the tests.
# Both bootstrap what they need: a virtualenv in .venv and, when helm or kubectl is not on PATH,
# that binary in .tools/bin (validate renders local charts with helm, kustomizations with kubectl).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
OTELSTACK := $(BIN)/otelstack
TOOLS := $(CURDIR)/.tools/bin
export PATH := $(TOOLS):$(PATH)
ENV ?= kind
PYTEST_ARGS ?=
SMOKE_ARGS ?=

# Fetched upstream mirrors (bare git dirs <owner>+<name>/repo) that `make data` reads.
MIRRORS ?= $(abspath $(CURDIR)/../.mirror)
DATA_ARGS ?=

.PHONY: setup render validate plan apply smoke test lint bench doctor clean data data-check

setup: $(VENV)/.installed $(TOOLS)/.helm $(TOOLS)/.kubectl

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(TOOLS)/.helm: | $(VENV)/.installed
	$(BIN)/python -m otelstack.toolchain install-helm --dest $(TOOLS)
	touch $@

$(TOOLS)/.kubectl: | $(VENV)/.installed
	$(BIN)/python -m otelstack.toolchain install-kubectl --dest $(TOOLS)
	touch $@

render: setup
	$(OTELSTACK) render

validate: setup
	$(OTELSTACK) render --check
	$(OTELSTACK) validate

plan: setup
	$(OTELSTACK) plan --env $(ENV)

apply: setup
	$(OTELSTACK) apply --env $(ENV)

smoke: setup
	$(OTELSTACK) smoke $(SMOKE_ARGS)

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	terraform fmt -check -recursive terraform
	helm lint charts/*
	$(OTELSTACK) render --check
	$(OTELSTACK) rules --format markdown --check docs/rules.md
	$(BIN)/actionlint -shellcheck $(BIN)/shellcheck .github/workflows/*.yml
	$(BIN)/zizmor --offline --no-config --persona pedantic --no-progress .github/workflows action.yml

doctor: setup
	$(OTELSTACK) doctor

# Regenerate tools/otelstack/data from the upstream mirrors (tools/datagen); names the fetch to run
# for any mirror that is missing. `make data DATA_ARGS="--only beyla_chart"` runs one source.
data: setup
	DATAGEN_MIRRORS=$(MIRRORS) PYTHONPATH=tools $(BIN)/python -m datagen $(DATA_ARGS)

# The same, writing nothing: fails when a committed data file differs from a regeneration.
data-check: setup
	DATAGEN_MIRRORS=$(MIRRORS) PYTHONPATH=tools $(BIN)/python -m datagen --check $(DATA_ARGS)

bench: setup
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	test -x .bench/checkov/bin/checkov || ($(PYTHON) -m venv .bench/checkov && .bench/checkov/bin/python -m pip install --quiet checkov==3.3.30)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python benchmarks/run.py --checkov .bench/checkov/bin/checkov

clean:
	rm -rf $(VENV) .tools .bench .pytest_cache .hypothesis build dist
