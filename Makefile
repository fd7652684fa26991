# dateline: the two commands a user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
DEMO   ?= demo.dateline
DEMO_STORIES ?= 2000

.PHONY: demo test venv lint bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[all]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $@ $(VENV)/.installed-base

venv: $(VENV)/.installed-base

demo: $(VENV)/.installed-base
	$(BIN)/python -m dateline.sample demo-corpus --stories $(DEMO_STORIES) --seed 7
	$(BIN)/dateline ingest demo-corpus --archive $(DEMO)
	$(BIN)/dateline stats --archive $(DEMO)
	$(BIN)/dateline search 'railway sanctions' --archive $(DEMO) --limit 5

test: $(VENV)/.installed-test
	bash scripts/setup-test-env.sh
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy src

docs: $(VENV)/.installed-base
	$(BIN)/python scripts/gen_reference.py

bench: $(VENV)/.installed-base
	$(BIN)/python benchmarks/ingest.py

clean:
	rm -rf $(VENV) $(DEMO) demo-corpus .pytest_cache test-artifacts
