# Two commands for a fresh machine: `make demo` and `make test`. Both are safe to run twice.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE ?= config.settings.dev

.PHONY: install install-dev browser node plotly nhsuk nginx r documents demo test lint format bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when a requirements or constraints file changes.
$(STAMP): $(BIN)/python requirements.txt requirements-dev.txt constraints.txt
	$(BIN)/pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

install: $(STAMP) plotly nhsuk

# Debian's Node.js and npm build the chart pages' plotly.js (frontend/plotly.js) and the NHS.UK
# design system's files (frontend/nhsuk.*); package-lock.json pins them, and axe-core for the
# browser tests.
node:
	@command -v npm >/dev/null || { \
		echo "Installing Node.js and npm from Debian's packages..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null; }

# plotly.js with only the trace types our charts draw, served from our static files; rebuilt
# only when the locked packages or the entry file change.
PLOTLY_BUNDLE := static/vendor/plotly/plotly.min.js
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json | node
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

$(PLOTLY_BUNDLE): $(NODE_STAMP) frontend/plotly.js
	npm run --silent build:plotly

plotly: $(PLOTLY_BUNDLE)

# nhsuk-frontend (the NHS.UK design system) at the locked version: its stylesheet built from
# its Sass with our settings (frontend/nhsuk.scss), its scripts started by frontend/nhsuk.js,
# its icons; served from static/vendor/nhsuk/.
NHSUK_STAMP := static/vendor/nhsuk/.built

$(NHSUK_STAMP): $(NODE_STAMP) frontend/nhsuk.scss frontend/nhsuk.js
	npm run --silent build:nhsuk
	touch $(NHSUK_STAMP)

nhsuk: $(NHSUK_STAMP)

# Debian's Chromium drives the browser tests and the chart's PNG/SVG export (kaleido).
browser:
	@command -v chromium >/dev/null || { \
		echo "Installing Chromium from Debian's packages..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

demo: install browser documents
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# R recomputes the analysis bundle's figures in the tests (the reference implementations).
r:
	@command -v Rscript >/dev/null && Rscript -e 'library(effectsize); library(nlme); library(psych)' >/dev/null 2>&1 || { \
		echo "Installing R and its effectsize, nlme and psych packages from Debian's packages..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			r-base-core r-cran-effectsize r-cran-nlme r-cran-psych >/dev/null; }

# The evaluation report's PDF is set in Liberation Sans and the certificate in DejaVu Sans
# (every name prints: Welsh, Latin, Greek, Cyrillic); poppler renders and reads them in the tests.
documents:
	@{ command -v pdftoppm >/dev/null && test -f /usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf \
		&& test -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf; } || { \
		echo "Installing poppler-utils, fonts-liberation and fonts-dejavu-core from Debian's packages..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils fonts-liberation fonts-dejavu-core >/dev/null; }

# The deployment tests (tests/deploy/) run nginx in front of gunicorn, as production does.
test: install browser nginx r documents lint
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/python -m pytest

# nginx terminates TLS in front of gunicorn in production (deploy/nginx.conf); the load test
# and the deployment tests run it the same way.
nginx:
	@command -v nginx >/dev/null || { \
		echo "Installing nginx from Debian's packages..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null \
		|| DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

bench: install browser nginx
	$(BIN)/python benchmarks/run_all.py
