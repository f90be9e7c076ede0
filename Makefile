# The two commands: `make run` and `make test`. Everything else here supports them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.9
UV := .tools/bin/uv
PY := .venv/bin/python
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx
export RECIPROCITY_ENVIRONMENT ?= development
export RECIPROCITY_MAIL_DIR ?= $(CURDIR)/var/mail
export RECIPROCITY_PUBLIC_URL ?= http://127.0.0.1:$(PORT)

.PHONY: help setup run demo test test-fast lint typecheck contracts translations translations-check drift bench load scale-up scale-down assets clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

setup: .venv/.installed app/static/vendor/.built ## Install Python and front-end dependencies (once)

$(UV):
	python3 -m venv .tools
	.tools/bin/pip install --quiet "uv==$(UV_VERSION)"

.venv/.installed: $(UV) pyproject.toml requirements.lock
	$(UV) venv --quiet --allow-existing --python python3 .venv
	$(UV) pip sync --quiet --python .venv/bin/python requirements.lock
	$(UV) pip install --quiet --python .venv/bin/python --no-deps -e .
	touch $@

node_modules/.installed: package.json
	npm install --no-package-lock --no-audit --no-fund --loglevel=error
	touch $@

app/static/vendor/.built: node_modules/.installed app/assets.py
	$(PY) -m app.assets
	touch $@

assets: app/static/vendor/.built ## Copy and de-brand GOV.UK Frontend into app/static/vendor

run: setup ## Set up, migrate the embedded database, add demo data and serve on http://127.0.0.1:$(PORT)
	.venv/bin/reciprocity migrate
	.venv/bin/reciprocity demo --if-empty
	.venv/bin/reciprocity users dev-sign-in
	.venv/bin/reciprocity serve --port $(PORT)

demo: setup ## Set up, migrate, fill the database with the demo council, print its sign-in links and serve
	.venv/bin/reciprocity migrate
	.venv/bin/reciprocity demo
	.venv/bin/reciprocity serve --port $(PORT)

test: setup $(CHROMIUM) $(NGINX) ## Run the whole suite (SQLite, and PostgreSQL when one answers), browser tests and fault drills included
	$(PY) -m tests.run

# The browser tests drive Debian's Chromium (never a downloaded browser) and the fault drills put
# Debian's nginx in front of several app workers; install them when we can.
$(CHROMIUM):
	@$(call debian,chromium fonts-noto-core fonts-dejavu-core,the browser tests)

$(NGINX):
	@$(call debian,nginx-light,the scale-out stack and its fault drills)

define debian
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Debian's $(1) for $(2) (once)..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends $(1) >/dev/null; \
	else \
		echo "!! $(2) need Debian's packages: sudo apt-get install $(1)"; exit 1; \
	fi
endef

scale-up: setup $(NGINX) ## Start the scale-out stack here: PostgreSQL, Redis, app workers behind nginx, an outbox worker
	$(PY) -m ops.stack up
	@eval "$$($(PY) -m ops.stack env)" && .venv/bin/reciprocity demo --if-empty

scale-down: setup ## Stop the scale-out stack (leaves a PostgreSQL or Redis it found running)
	$(PY) -m ops.stack down

load: setup $(NGINX) ## Load test: the embedded default against the scale-out stack (a few minutes)
	$(PY) -m benchmarks load

lint: setup ## ruff lint and format check
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck: setup ## mypy, strict on the kernel and every services module
	.venv/bin/mypy

contracts: setup ## The one-way dependency rule (import-linter)
	.venv/bin/lint-imports

translations: setup ## Extract translatable text and add new strings to every language's catalogue
	$(PY) -m app.i18n_check --update

translations-check: setup ## Fail when any shipped language (Welsh, Arabic) lacks a string
	$(PY) -m app.i18n_check

bench: setup ## Benchmarks: ratios against raw baselines, non-zero exit when a target is missed
	$(PY) -m benchmarks

clean: ## Remove installed dependencies and generated files (keeps var/, your data and keys)
	rm -rf .venv .tools node_modules app/static/vendor
