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
        build bench deploy destroy lock clean frontend-deps insights
.PHONY: container-runtime lambda-image sam-invoke sam-api dev-sam sam-tests chalice-config

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/.installed: requirements-dev.txt constraints.txt chalice_app/requirements.txt fallback_function/requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check 'pip<26.3'
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	@# the functions' makefiles run `python -m deploytools.function_build` from sam build's scratch copy
	$(BIN)/python -c "import site, sys; open(site.getsitepackages()[0] + '/lex-llm-chatbot-repo.pth', 'w').write(sys.argv[1] + '\n')" "$(CURDIR)"
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
	$(BIN)/ruff format --check .

typecheck: install ## mypy (strict on the packages)
	$(BIN)/mypy chalice_app/app.py chalice_app/chalicelib fallback_function/handler.py fallback_function/llm_fallback lex_emulator devstack sam_local deploytools insights

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

build: install ## sam build for python3.13 without Docker or python3.13 on PATH (bytecode needs one, see README)
	PATH="$(abspath $(BIN)):$$PATH" PYTHONPATH="$(CURDIR)" $(BIN)/sam build --template template.yaml

test: install lint typecheck cfn-lint sam-validate build lambda-image pytest ## Everything CI runs

bench: install ## Run every benchmark under bench/ (each prints its table and targets)
	@failed=""; for b in bench/[a-z]*.py; do echo "== $$b"; $(BIN)/python $$b || failed="$$failed $$b"; done; \
	if [ -n "$$failed" ]; then echo "missed a target or failed:$$failed"; exit 1; fi

# CONFIRM=1 shows the change set and asks before executing it (the default at a terminal);
# CONFIRM=0 never asks (the default without one: CI, scripts, `make deploy </dev/null`).
CONFIRM ?= $(shell [ -t 0 ] && echo 1 || echo 0)

deploy: build ## sam deploy (samconfig.toml; a changed bot gets a new version), then upload frontend/. CONFIRM=0: no prompt
	$(BIN)/python -m deploytools.function_build check .aws-sam/build
	$(BIN)/python -m deploytools.publish_bot_version .aws-sam/build/template.yaml
	$(BIN)/sam deploy --config-file samconfig.toml $(if $(filter 1,$(CONFIRM)),--confirm-changeset,--no-confirm-changeset)
	$(BIN)/python -m deploytools.upload_frontend --config-file samconfig.toml

destroy: install ## Empty the page bucket and sam delete the stack (keeps the OpenAI key secret). CONFIRM=0: no prompt
	$(BIN)/python -m deploytools.destroy --config-file samconfig.toml $(if $(filter 1,$(CONFIRM)),,--yes)
	$(BIN)/sam delete --config-file samconfig.toml --no-prompts

# ---------------------------------------------------------------- sam local (containers)
RUNTIME ?=
FN ?=
EVENT ?=
ENV ?=
STAGE ?= dev

container-runtime: ## Install Debian's docker.io + mmdebstrap if missing and start dockerd
	@bash scripts/container-runtime.sh

lambda-image: install container-runtime ## Build lex-llm-chatbot/lambda:<runtime> (template's Runtime; RUNTIME=python3.13 for another)
	@$(BIN)/python -m sam_local.image --template template.yaml $(if $(RUNTIME),--runtime $(RUNTIME))

sam-invoke: lambda-image ## sam local invoke FN=<logical id> EVENT=<file> [ENV=env.json]; prints the JSON answer
	@test -n "$(FN)" -a -n "$(EVENT)" || { echo "usage: make sam-invoke FN=FallbackFunction EVENT=events/lexV2FallbackKo.json [ENV=env.json]" >&2; exit 2; }
	@$(MAKE) --no-print-directory -s build >&2
	@$(BIN)/python -m sam_local.invoke $(FN) $(EVENT) $(if $(ENV),--env-vars $(ENV))

sam-api: build lambda-image ## sam local start-api on http://127.0.0.1:$(PORT)/chat, talking to a Lex emulator on the host
	$(BIN)/python -m devstack.sam_stack --api-only --port $(PORT) --template template.yaml $(if $(ENV),--env-vars $(ENV))

dev-sam: build lambda-image frontend-deps ## make dev with /chat in sam local start-api and code hooks in sam local start-lambda
	$(BIN)/python -m devstack.sam_stack --port $(PORT) --template template.yaml $(if $(ENV),--env-vars $(ENV))

sam-tests: build lambda-image ## Only the tests/sam tier (SAM CLI in containers)
	$(BIN)/pytest -q tests/sam

chalice-config: install ## Generate chalice_app/.chalice config + policy-$(STAGE).json from the code and the SAM stack's outputs
	$(BIN)/python -m deploytools.chalice_config --stage $(STAGE) --config-file samconfig.toml

insights: install ## Suggest intents from conversation logs: LOGS=<file> or LOG_GROUP=<name>, OUT=<dir>
	$(BIN)/python -m insights $(if $(LOGS),--logs '$(LOGS)',$(if $(LOG_GROUP),--log-group '$(LOG_GROUP)',$(error set LOGS=<file> or LOG_GROUP=<name>))) --out '$(or $(OUT),insights-out)' --template template.yaml

lock: ## Re-pin the whole dependency tree into constraints.txt, and the functions' hash-pinned locks
	$(BIN)/python -m pip freeze --exclude-editable > constraints.txt
	$(BIN)/python -m deploytools.function_build lock fallback_function/requirements.txt fallback_function/requirements.lock
	$(BIN)/python -m deploytools.function_build lock chalice_app/requirements-tracing.txt chalice_app/requirements-tracing.lock

clean: ## Remove build outputs
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
