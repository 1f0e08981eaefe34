# Two commands: `make run` and `make test`. Both set everything up first.
VENV      ?= .venv
PY        := $(VENV)/bin/python
STAMP     := $(VENV)/.installed
TESTSTAMP := $(VENV)/.installed-test
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export SOLARA_TELEMETRY_MIXPANEL_ENABLE := False
export MPLBACKEND := Agg

.PHONY: run test venv venv-test lint bench clean

run: $(STAMP)
	$(VENV)/bin/ipsim run --force

test: $(TESTSTAMP)
	scripts/ensure-chromium.sh
	$(PY) -m pytest

bench: $(TESTSTAMP)
	$(PY) benchmarks/run.py $(BENCHFLAGS)

lint: $(TESTSTAMP)
	$(VENV)/bin/ruff check src tests benchmarks experiments
	$(VENV)/bin/ruff format --check src tests benchmarks experiments

venv: $(STAMP)
venv-test: $(TESTSTAMP)

$(VENV)/bin/python:
	@PYTHON=$$(scripts/find-python.sh) || exit 1; \
	echo "Creating $(VENV) with $$PYTHON"; \
	"$$PYTHON" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[fast]"
	@touch $@

$(TESTSTAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e ".[test]"
	@touch $(STAMP) $@

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .ruff_cache
