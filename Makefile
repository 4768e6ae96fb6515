# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
NEWSTRACE := $(VENV)/bin/newstrace
STAMP := $(VENV)/.installed-stamp
DEMO_DB ?= data/demo.db
DEMO_OUT ?= data/demo-report
# The PostgreSQL store tests run when a server answers here; otherwise they skip, saying so.
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: install lint demo test test-fast eval eval-coverage bench bench-extract bench-numbers bench-numbers-intl bench-dask bench-report clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(NEWSTRACE) --db $(DEMO_DB) ingest --primary data/demo/primary
	$(NEWSTRACE) --db $(DEMO_DB) run data/demo --kb data/demo/kb.yaml --out $(DEMO_OUT)

# ruff over everything; mypy needs a folder in which the repository root is called `newstrace`.
MYPY_ROOT := $(VENV)/mypy-root
lint: install
	$(VENV)/bin/ruff check .
	mkdir -p $(MYPY_ROOT) && ln -sfn $(CURDIR) $(MYPY_ROOT)/newstrace
	cd $(MYPY_ROOT) && $(CURDIR)/$(VENV)/bin/mypy --config-file $(CURDIR)/pyproject.toml \
	    -p newstrace.corpus -p newstrace.extract -p newstrace.provenance -m newstrace.cli -m newstrace.runner

test: install lint
	NEWSTRACE_TEST_PG=$$($(PY) -c "import socket,sys; s=socket.socket(); s.settimeout(1); sys.stdout.write('$(PG_URL)' if s.connect_ex(('127.0.0.1',5432))==0 else '')") \
	$(PY) -m pytest -q -ra --durations=20 -n 2 --dist worksteal

test-fast: install
	$(PY) -m pytest -q -ra -m "not slow"

eval: install
	$(PY) -m bench.eval_devset

# Real coverage of four other stories (../shared/coverage), scored against its gold, with and
# without the shipped knowledge base, beside two peer clustering baselines.
eval-coverage: install
	$(PY) -m bench.eval_coverage

bench-extract: install
	$(PY) -m bench.extract_benchmark

bench-numbers: install
	$(PY) -m bench.numbers_benchmark

bench-numbers-intl: install
	$(PY) -m bench.numbers_multilingual

bench: install
	$(PY) -m bench.pipeline_benchmark

bench-dask: install
	$(PY) -m bench.dask_benchmark

# HTML report page sizes and headless-Chromium load times at 5k and 20k articles (bench/out/report-scale.json).
bench-report: install
	$(PY) -m bench.report_scale

clean:
	rm -rf build *.egg-info .pytest_cache $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_OUT)
