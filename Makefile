# The two commands of the README's Quick start: `make run` and `make test`.
# Everything they need is installed here, into .venv at the repository root.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8866
PYTEST_ARGS ?=

.PHONY: run test docs bench sample clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install when the dependencies change.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	touch $@ $(VENV)/.installed-run

## run: serve the dashboard on the bundled sample at http://localhost:$(PORT)
# voila.json there makes the server answer only requests addressed to this machine (Host header
# localhost or a loopback address), so that a web page cannot reach it through DNS rebinding.
# config/voila.json (on JUPYTER_CONFIG_PATH) closes idle kernels and renders progressively.
VOILA_CONFIG := $(CURDIR)/cpanalysis/resources/voila
run: $(VENV)/.installed-run
	JUPYTER_CONFIG_PATH="$(CURDIR)/cpanalysis/resources/voila/config$${JUPYTER_CONFIG_PATH:+:$$JUPYTER_CONFIG_PATH}" \
	JUPYTER_PATH="$(CURDIR)/cpanalysis/resources/voila$${JUPYTER_PATH:+:$$JUPYTER_PATH}" MPLBACKEND=Agg \
		$(BIN)/voila notebooks/dashboard.ipynb --port=$(PORT) --no-browser --Voila.ip=127.0.0.1 \
		--template=cpanalysis --theme=light --Voila.config_file_paths=$(VOILA_CONFIG)

## test: install the test dependencies (with Debian's chromium for browser tests) and run every test
##       (one worker per core; a test file stays on one worker, so the browser tests share one Voila server)
test: $(VENV)/.installed-test
	bash scripts/ensure-chromium.sh
	$(BIN)/python -m pytest -n auto --dist loadfile $(PYTEST_ARGS)

## docs: build the API reference and the method notes into docs/_build/html (offline; warnings are errors;
##       -E re-reads every docstring, which Sphinx would otherwise not see change)
docs: $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -b html -E -W --keep-going -q docs docs/_build/html
	@echo "open docs/_build/html/index.html"

## bench: run every benchmark (on demand; not part of the tests)
bench: $(VENV)/.installed-test
	for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

## sample: regenerate data/sample from the simulator
sample: $(VENV)/.installed-run
	$(BIN)/cpanalysis simulate -o data/sample

clean:
	rm -rf $(VENV) tests/output benchmarks/output .pytest_cache docs/_build docs/api
