# Commerce Radar: every target installs what it needs into .venv first.
VENV := .venv
STAMP := $(VENV)/.radar-installed

.PHONY: help demo demo-data simulate bi test test-slow test-all lint bench dbt-docs clean

help:  ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | expand -t 14

$(STAMP): pyproject.toml demo/pyproject.toml scripts/bootstrap.sh scripts/install_browser.sh
	@scripts/bootstrap.sh
	@touch $(STAMP)

demo: $(STAMP)  ## build 72h of demo data on embedded defaults, then serve the Dagster UI on 127.0.0.1:3000
	$(VENV)/bin/radar demo

demo-data: $(STAMP)  ## the same data build without the UI (exits when done)
	$(VENV)/bin/radar demo --no-ui

simulate: $(STAMP)  ## the real hourly path for 24 simulated hours on the demo market (.radar/simulate; resumable)
	$(VENV)/bin/radar simulate

bi: $(STAMP)  ## Superset (own venv, .venv-bi) with the Commerce Radar dashboard over the marts, as the read-only role
	@scripts/bootstrap_bi.sh
	$(VENV)/bin/radar bi

test: $(STAMP)  ## the whole default test suite (real PostgreSQL, dbt, GX, Dagster, moto S3)
	$(VENV)/bin/pytest

test-slow: $(STAMP)  ## slow tests only: 48 simulated hours vs the demo's truth, tiny benchmark runs, Superset in Chromium
	@scripts/bootstrap_bi.sh
	$(VENV)/bin/pytest -m slow

test-all: $(STAMP)  ## default suite and slow tests
	@scripts/bootstrap_bi.sh
	$(VENV)/bin/pytest -m ''

lint: $(STAMP)  ## ruff, and the import-linter contracts (layers only point down, no cycles)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

bench: $(STAMP)  ## benchmarks: partition cost vs history (72 vs 7,200 h), staging throughput, scrape throughput and browser memory, price-string accuracy
	$(VENV)/bin/python benchmarks/partition_cost.py
	$(VENV)/bin/python benchmarks/staging_throughput.py
	$(VENV)/bin/python benchmarks/scrape_throughput.py
	$(VENV)/bin/python benchmarks/price_strings.py

dbt-docs: $(STAMP)  ## generate dbt docs (catalog from the embedded warehouse) into dbt_project/target/docs
	$(VENV)/bin/radar dbt-docs

clean:  ## remove local state (.radar: embedded database, lake) and build output
	rm -rf .radar dbt_project/target dbt_project/logs .venv-bi
