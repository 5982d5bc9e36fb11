# Two commands: `make run` serves the site, `make test` runs every check.
# Both set up what they need first (virtualenv, dependencies, database).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV := DJANGO_DEBUG=1

.PHONY: run test setup lint messages bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet '.[dev]'
	touch $(STAMP)

setup: $(STAMP)
	$(DEV) $(BIN)/python manage.py migrate --noinput -v0
	$(DEV) $(BIN)/python manage.py bootstrap

run: setup
	$(DEV) $(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(DEV) $(BIN)/python manage.py check
	$(DEV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

# Translators: gather the marked strings into locale/hi/LC_MESSAGES/django.po (Django's
# makemessages needs Debian's gettext package), translate them there, then compile the
# .mo that is committed beside it (Babel, no system package). README, "In Hindi".
messages: $(STAMP)
	command -v xgettext >/dev/null || { echo "makemessages needs gettext: apt-get install gettext"; exit 1; }
	$(DEV) $(BIN)/python manage.py makemessages -l hi --no-location --no-obsolete \
		--ignore='.venv/*' --ignore='build/*' --ignore='staticfiles/*' \
		--ignore='artifacts/*' --ignore='benchmarks/*' --ignore='tests/*'
	$(BIN)/pybabel compile -d locale -D django --statistics

bench: $(STAMP)
	$(DEV) $(BIN)/python benchmarks/pages.py
	$(DEV) $(BIN)/python benchmarks/imports.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles artifacts
