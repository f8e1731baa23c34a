# s3batch-kit. The Makefile creates and reuses its virtual environments itself:
# on a fresh machine with python3 and make, `make job` and `make test` need no other step.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# checkov overwrites python-hcl2's files, so it lives in a venv of its own (toolchain-notes.md).
CHECKOV_VENV ?= .venv-checkov
APP_STAMP := $(VENV)/.installed
CHECKOV_STAMP := $(CHECKOV_VENV)/.installed
PYTEST_ARGS ?=

.PHONY: help venv test job check lambda bench policies clean

help:
	@echo "make job      run the sentiment job (local emulator by default; TARGET=aws for AWS)"
	@echo "make test     run the test suite"
	@echo "make check    pre-merge gate over the Terraform code and policies"
	@echo "make lambda   build the deterministic Lambda package"
	@echo "make bench    run the benchmarks, results in build/bench.json"
	@echo "make policies regenerate the committed policy files terraform/ uses"

venv: $(APP_STAMP)

$(APP_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

$(CHECKOV_STAMP):
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check 'checkov>=3.2,<4'
	@touch $@

test: $(APP_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

job: $(APP_STAMP)
	@echo "make job: not yet available (job tooling and local emulator: issues 5 and 6)" >&2; exit 1

check: $(APP_STAMP)
	@echo "make check: not yet available (pre-merge gate: issue 3)" >&2; exit 1

lambda: $(APP_STAMP)
	$(BIN)/python lambda/package.py --output build/lambda/sentiment.zip

bench: $(APP_STAMP)
	$(BIN)/python -m bench

policies: $(APP_STAMP)
	$(BIN)/python -m validate.generate

clean:
	rm -rf build .pytest_cache
