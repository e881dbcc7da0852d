# Lex + LLM chatbot. `make help` lists the targets.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export SAM_CLI_TELEMETRY := 0
export PYTHONDONTWRITEBYTECODE := 1

.DEFAULT_GOAL := help
.PHONY: help install dev test lint typecheck pytest unit functional browser cfn-lint sam-validate \
        build bench deploy lock clean frontend-deps insights

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements-dev.txt constraints.txt chalice_app/requirements.txt fallback_function/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check 'pip<26.3'
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

install: $(BIN)/.installed frontend-deps ## Create .venv and install the pinned dev requirements

frontend-deps: frontend/vendor/.installed ## Install the page's Markdown libraries (npm) into frontend/vendor

frontend/vendor/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p frontend/vendor
	cp frontend/node_modules/marked/lib/marked.umd.js frontend/node_modules/dompurify/dist/purify.min.js frontend/vendor/
	touch $@

dev: install ## Run the whole stack locally on http://127.0.0.1:$(PORT)/
	$(BIN)/python -m devstack --port $(PORT) --template template.yaml --env-vars $(if $(wildcard env.json),env.json,env.example.json)

lint: install ## ruff
	$(BIN)/ruff check .
	$(BIN)/ruff format --check chalice_app fallback_function lex_emulator devstack insights

typecheck: install ## mypy (strict on the packages)
	$(BIN)/mypy chalice_app/app.py chalice_app/chalicelib fallback_function/handler.py fallback_function/llm_fallback lex_emulator devstack insights

unit: install ## Unit tests (no I/O)
	$(BIN)/pytest -q tests/unit

functional: install ## Functional tests (real local HTTP)
	$(BIN)/pytest -q tests/functional

browser: install ## Browser tests (Debian chromium)
	$(BIN)/pytest -q tests/browser

pytest: install
	$(BIN)/pytest -q

cfn-lint: install ## Lint template.yaml
	$(BIN)/cfn-lint template.yaml

sam-validate: install ## sam validate --lint
	$(BIN)/sam validate --lint --template template.yaml

build: install ## sam build (no Docker: needs python3.11 on PATH)
	PATH="$(abspath $(BIN)):$$PATH" $(BIN)/sam build --template template.yaml

test: install lint typecheck cfn-lint sam-validate pytest build ## Everything CI runs

bench: install ## Run every benchmark under bench/ (each prints its table and targets)
	@failed=""; for b in bench/[a-z]*.py; do echo "== $$b"; $(BIN)/python $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "missed a target or failed:$$failed"; exit 1; fi

deploy: build ## sam deploy with samconfig.toml (a changed bot gets a new version), then upload frontend/
	$(BIN)/python -m devstack.publish_bot_version .aws-sam/build/template.yaml
	$(BIN)/sam deploy --config-file samconfig.toml
	$(BIN)/python -m devstack.upload_frontend --config-file samconfig.toml

insights: install ## Suggest intents from conversation logs: LOGS=<file> or LOG_GROUP=<name>, OUT=<dir>
	$(BIN)/python -m insights $(if $(LOGS),--logs '$(LOGS)',$(if $(LOG_GROUP),--log-group '$(LOG_GROUP)',$(error set LOGS=<file> or LOG_GROUP=<name>))) --out '$(or $(OUT),insights-out)' --template template.yaml

lock: ## Re-pin the whole dependency tree into constraints.txt
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt

clean: ## Remove build outputs
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
