# Two commands on a fresh machine with Python 3.11: `make demo` and `make test`.
# `make demo` installs only what the platform needs to run; `make test` adds the test tools
# and Spark (the `dev` and `spark` extras).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
TEST_EXTRAS ?= dev,spark
VENV_PYTHON := $(VENV)/bin/python
DEMO_INSTALLED := $(VENV)/.installed-demo
TEST_INSTALLED := $(VENV)/.installed-test

.PHONY: demo test install lint clean

$(VENV_PYTHON):
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip

$(DEMO_INSTALLED): pyproject.toml | $(VENV_PYTHON)
	$(VENV)/bin/pip install --quiet -e .
	touch $@

# Everything the demo has and more, so it counts as the demo's install too.
$(TEST_INSTALLED): pyproject.toml | $(VENV_PYTHON)
	$(VENV)/bin/pip install --quiet -e ".[$(TEST_EXTRAS)]"
	touch $@ $(DEMO_INSTALLED)

install: $(TEST_INSTALLED)

demo: $(DEMO_INSTALLED)
	$(VENV)/bin/urbis demo $(if $(PORT),--port $(PORT),)

test: $(TEST_INSTALLED)
	VENV=$(VENV) scripts/test $(PYTEST_ARGS)

lint: $(TEST_INSTALLED)
	$(VENV)/bin/ruff check
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
