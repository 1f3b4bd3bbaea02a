# Fresh clone: `make run` opens the app, `make test` runs the whole suite headless.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: run test bench install clean

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	$(VENV)/bin/backprop-lab

test: $(VENV)/.installed
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: $(VENV)/.installed
	$(PY) bench/engine_bench.py
	QT_QPA_PLATFORM=offscreen $(PY) bench/gui_bench.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache
