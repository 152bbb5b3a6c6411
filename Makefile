# The two set-up commands are `make run` and `make test`; both create .venv when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: venv node run test lint bench clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

$(NODE_STAMP): package.json
	npm install --no-audit --no-fund --silent
	touch $@

venv: $(STAMP)

node: $(NODE_STAMP)

# Like `func start`, devhost reads local.settings.json; the example's values are the offline defaults.
local.settings.json:
	cp local.settings.example.json $@

run: venv local.settings.json
	$(PY) -m devhost start

test: venv node infra-venv
	$(PY) -m pytest

lint: venv
	$(PY) -m ruff check .
	$(PY) -m mypy .

bench: venv
	$(PY) -m bench

clean:
	rm -rf $(VENV) .venv-infra bench/.venv-peers node_modules .devhost .mypy_cache .ruff_cache .pytest_cache

# Bicep parser and checkov for tests/infra, in their own venv (checkov's pins clash with the app's).
INFRA_VENV := .venv-infra
INFRA_STAMP := $(INFRA_VENV)/.installed-stamp

.PHONY: infra-venv

$(INFRA_STAMP): requirements-infra.txt
	test -x $(INFRA_VENV)/bin/python || $(PYTHON) -m venv $(INFRA_VENV)
	echo '*' > $(INFRA_VENV)/.gitignore
	$(INFRA_VENV)/bin/python -m pip install --quiet -r requirements-infra.txt
	touch $@

infra-venv: $(INFRA_STAMP)
