# `make run` starts the app on a populated demo database; `make test` runs every test.
# Both create .venv and install the pinned requirements first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PORT ?= 8501

.PHONY: run test demo bench clean-db

$(INSTALLED): requirements.txt requirements-dev.txt requirements-spark.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

run: $(INSTALLED)
	$(BIN)/python -m kpi demo --if-empty
	$(BIN)/python -m streamlit run app.py --server.address localhost --server.port $(PORT)

test: $(INSTALLED)
	$(BIN)/python -m pytest

demo: $(INSTALLED)
	$(BIN)/python -m kpi demo

bench: $(INSTALLED)
	$(BIN)/python bench/import_bench.py
	$(BIN)/python bench/kpi_bench.py
	$(BIN)/python bench/page_bench.py
	$(BIN)/python bench/skills_bench.py
	$(BIN)/python bench/export_bench.py
	$(BIN)/python bench/staffing_bench.py

clean-db:
	rm -rf data/*.duckdb data/*.duckdb.wal data/*.originals
