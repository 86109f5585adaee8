# Everyday commands; each one is what CI (.ci/run) or the docs describe, without the install.
# They use the virtualenv of the README's test command (.venv); `make lint BIN=` takes the
# tools from PATH instead.
BIN ?= .venv/bin/

.PHONY: test fast lint docs bench bench-quick

# the README's test command after its install: lint, types, import contracts, the whole suite
test: lint
	$(BIN)pytest -q -n 3

# the inner loop: everything but the tests marked slow
fast:
	$(BIN)pytest -q -n 3 -m "not slow"

lint:
	$(BIN)ruff check .
	$(BIN)ruff format --check .
	$(BIN)mypy bot
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
