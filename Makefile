# The two set-up commands are `make run` and `make test`; both create .venv when needed.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
NODE_STAMP := node_modules/.installed-stamp

.PHONY: venv node run test lint bench clean lock mutation

# Installs come from the lock files (every package pinned, with hashes); the requirements
# files say what each environment asks for. `make lock` rewrites the locks after a
# requirements file changes, keeping every pin that still fits (UPGRADE=1: newest allowed).
$(STAMP): requirements-dev.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
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

test: venv node infra-venv mcp-servers
	$(PY) -m pytest

lint: venv
	$(PY) -m ruff check .
	$(PY) -m mypy .

bench: venv
	$(PY) -m bench

# Mutation testing (mutmut), one module at a time; MODULES=<path> ... runs only those.
mutation: venv
	$(PY) scripts/mutation.py $(MODULES)

clean:
	rm -rf $(VENV) .venv-infra .venv-mcp-servers bench/.venv-peers bench/.venv-langgraph bench/.venv-agent-framework node_modules .devhost .mutation .mypy_cache .ruff_cache .pytest_cache

# Bicep parser and checkov for tests/infra, in their own venv (checkov's pins clash with the app's).
INFRA_VENV := .venv-infra
INFRA_STAMP := $(INFRA_VENV)/.installed-stamp

.PHONY: infra-venv

$(INFRA_STAMP): requirements-infra.lock
	test -x $(INFRA_VENV)/bin/python || $(PYTHON) -m venv $(INFRA_VENV)
	echo '*' > $(INFRA_VENV)/.gitignore
	$(INFRA_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements-infra.lock
	touch $@

infra-venv: $(INFRA_STAMP)

# One lock per environment, for every platform, compiled by uv (from requirements-dev.txt).
# The dev lock keeps the runtime lock's versions, so the tests run what the image ships;
# checkov's pins need Python 3.11.5 or newer.
COMPILE = $(PY) -m uv pip compile --quiet --generate-hashes --universal \
	--custom-compile-command "make lock" $(if $(UPGRADE),--upgrade)

lock: | $(STAMP)
	$(COMPILE) --python-version 3.11 requirements.txt -o requirements.lock
	$(COMPILE) --python-version 3.11 requirements-dev.txt -c requirements.lock -o requirements-dev.lock
	$(COMPILE) --python-version 3.11.5 requirements-infra.txt -o requirements-infra.lock
	$(COMPILE) --python-version 3.11 requirements-mcp-servers.txt -o requirements-mcp-servers.lock
	for file in bench/peers/requirements*.txt; do \
	  $(COMPILE) --python-version 3.11 $$file -o $${file%.txt}.lock || exit 1; \
	done

# Third-party MCP servers the tests run over stdio (mcp-server-time), in their own venv.
MCP_SERVERS_VENV := .venv-mcp-servers
MCP_SERVERS_STAMP := $(MCP_SERVERS_VENV)/.installed-stamp

.PHONY: mcp-servers

$(MCP_SERVERS_STAMP): requirements-mcp-servers.lock
	test -x $(MCP_SERVERS_VENV)/bin/python || $(PYTHON) -m venv $(MCP_SERVERS_VENV)
	echo '*' > $(MCP_SERVERS_VENV)/.gitignore
	$(MCP_SERVERS_VENV)/bin/python -m pip install --quiet --require-hashes -r requirements-mcp-servers.lock
	touch $@

mcp-servers: $(MCP_SERVERS_STAMP)
