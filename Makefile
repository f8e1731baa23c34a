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

.PHONY: help venv test test-pythons fuzz job check lambda bench policies provider-schema clean

help:
	@echo "make job      run the sentiment job (local emulator by default; TARGET=aws for AWS)"
	@echo "make test     run the test suite"
	@echo "make test-pythons  the test suite on each of PYTHON_VERSIONS found here (Lambda runs 3.12/3.13)"
	@echo "make fuzz     the property tests (hypothesis) with a large random budget (FUZZ_EXAMPLES, default 10000)"
	@echo "make check    pre-merge gate over the Terraform code and policies"
	@echo "make lambda   build the deterministic Lambda package"
	@echo "make bench    run the benchmarks, results in build/bench.json"
	@echo "make policies regenerate the committed policy files terraform/ uses"
	@echo "make provider-schema  regenerate the AWS provider schema snapshot (downloads ~60 MB; not in CI)"

venv: $(APP_STAMP)

$(APP_STAMP): pyproject.toml setup.py
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

$(CHECKOV_STAMP):
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	@$(CHECKOV_VENV)/bin/python -m pip install --quiet --disable-pip-version-check 'checkov>=3.2,<4'
	@touch $@

test: $(APP_STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The same hypothesis properties `make test` runs with a small fixed budget (tests/conftest.py), here with a large
# random one; hypothesis marks every property test, so `-m hypothesis` selects exactly them. Bugs found are
# printed with their minimal example; add it as a regression test.
FUZZ_EXAMPLES ?= 10000
fuzz: $(APP_STAMP)
	HYPOTHESIS_PROFILE=fuzz FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -m hypothesis -q $(PYTEST_ARGS)

# The suite (Lambda handler and its local runtime included) once per interpreter, each in .venv-pyX.Y.
# The function runs on python3.12/3.13 in AWS (terraform's `runtime`); the toolkit supports 3.11+.
# An interpreter found neither on PATH nor under pyenv is reported as SKIP; any failure fails the target.
PYTHON_VERSIONS ?= 3.11 3.12 3.13
test-pythons:
	@status=0; for version in $(PYTHON_VERSIONS); do \
	  exe=""; \
	  for candidate in python$$version $$HOME/.pyenv/versions/$$version*/bin/python$$version; do \
	    if $$candidate -c pass >/dev/null 2>&1; then exe=$$candidate; break; fi; \
	  done; \
	  if [ -z "$$exe" ]; then echo "SKIP  python$$version: not installed"; continue; fi; \
	  echo "== python$$version ($$exe)"; \
	  $(MAKE) --no-print-directory test PYTHON=$$exe VENV=.venv-py$$version || status=1; \
	done; exit $$status

# make job [TARGET=local|aws] [KEEP_STACK=1] [OUTPUTS=file] [JOB_ARGS='...']  (docs/jobs.md)
# local: start the emulator, deploy, run the job through the same code as on AWS, always stop the stack
# (unless KEEP_STACK=1). The local stack takes any credentials; fake ones keep real ones out of it.
# aws: the outputs of `terraform output -json` (in terraform/) or OUTPUTS=file.
TARGET ?= local
JOB_OUTPUTS_LOCAL := build/local/outputs.json
JOB_RUN := job run --folder files --pattern '*.txt'
job: $(APP_STAMP)
ifeq ($(TARGET),aws)
	$(BIN)/s3batch $(JOB_RUN) $(if $(OUTPUTS),--outputs $(OUTPUTS),--terraform-dir terraform) $(JOB_ARGS)
else ifeq ($(TARGET),local)
	@export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=us-east-1; \
	unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL; \
	stop_stack() { \
	  if [ "$(KEEP_STACK)" = "1" ]; then echo "make job: stack left running (KEEP_STACK=1); stop it with: $(BIN)/s3batch local down" >&2; \
	  else $(BIN)/s3batch local down >&2 || true; fi; }; \
	trap stop_stack EXIT; trap 'exit 130' INT TERM; \
	up=$$($(BIN)/s3batch local up --detach) || exit $$?; echo "$$up" >&2; \
	export "$$(echo "$$up" | sed -n 's/^export //p')"; \
	$(BIN)/s3batch local deploy --outputs $(JOB_OUTPUTS_LOCAL) >&2 || exit $$?; \
	$(BIN)/s3batch $(JOB_RUN) --outputs $(JOB_OUTPUTS_LOCAL) $(JOB_ARGS)
else
	@echo "make job: TARGET must be local or aws, not '$(TARGET)'" >&2; exit 2
endif

# The gate (docs/linter.md): the import layering (lint-imports, docs/architecture.md), parse, lint, batch role vs catalogue, policy drift, checkov (its own venv, offline),
# terraform fmt/validate where terraform is installed. Artefacts in build/check/.
check: $(APP_STAMP) $(CHECKOV_STAMP)
	$(BIN)/lint-imports
	$(BIN)/s3batch check --checkov $(CHECKOV_VENV)/bin/checkov

lambda: $(APP_STAMP)
	$(BIN)/python lambda/package.py --output build/lambda/sentiment.zip

bench: $(APP_STAMP)
	$(BIN)/python -m bench

policies: $(APP_STAMP)
	$(BIN)/python -m validate.generate

# The trimmed AWS provider schema the gate checks Terraform against (docs/terraform.md). Where terraform is on
# PATH and TF_DIR is an initialised directory, from `terraform providers schema -json`; otherwise from the
# cdktf-cdktf-provider-aws package (pip download --no-deps into a temporary directory, removed afterwards).
TF_DIR ?=
provider-schema: $(APP_STAMP)
	$(BIN)/python -m validate.provider_schema.extract $(if $(TF_DIR),--from-terraform $(TF_DIR))

clean:
	rm -rf build .pytest_cache
