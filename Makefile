# Everyday commands; each one is what CI (.ci/run) or the docs describe, without the install.
# They use the virtualenv of the README's test command (.venv); `make lint BIN=` takes the
# tools from PATH instead.
BIN ?= .venv/bin/

.PHONY: test fast lint docs bench bench-quick lock lock-upgrade

# the README's test command after its install: lint, types, import contracts, the whole suite
test: lint
	$(BIN)pytest -q -n 3

# the inner loop: everything but the tests marked slow
fast:
	$(BIN)pytest -q -n 3 -m "not slow"

lint:
	$(BIN)ruff check .
	$(BIN)ruff format --check .
	$(BIN)mypy bot benchmarks
	$(BIN)lint-imports

# the documentation as CI builds it, into a temporary folder that is thrown away
docs:
	@site="$$(mktemp -d)" && trap 'rm -rf "$$site"' EXIT && \
		NO_MKDOCS_2_WARNING=1 $(BIN)mkdocs build --strict --site-dir "$$site"

# every benchmark, then the tables of docs/benchmarks.md (about 5 minutes on 2 cores)
bench:
	$(BIN)python -m benchmarks

# the same at small sizes: a smoke run of about a minute
bench-quick:
	$(BIN)python -m benchmarks --quick

# requirements/dev.lock: the exact versions the README's test command and CI install (a
# constraints file for `pip install -c`), resolved for Python 3.11 from pyproject.toml's ranges.
# `make lock` keeps every pin that still fits the ranges; `make lock-upgrade` takes the newest
# release each range allows. uv comes into the virtualenv on first use.
LOCK = $(BIN)uv pip compile pyproject.toml --extra dev --python-version 3.11 \
	--custom-compile-command "make lock" --quiet -o requirements/dev.lock

lock:
	@command -v $(BIN)uv >/dev/null || $(BIN)python -m pip install -q "uv>=0.13,<1"
	$(LOCK)

lock-upgrade:
	@command -v $(BIN)uv >/dev/null || $(BIN)python -m pip install -q "uv>=0.13,<1"
	$(LOCK) --upgrade
