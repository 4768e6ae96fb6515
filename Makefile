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

# pip byte-compiles every file of every wheel it installs, serially: 96 s of a clean install on CI's
# machine, most of it for modules nothing imports (transformers, sympy, torch). --no-compile leaves
# that to the first import of each module, which writes its .pyc, so Python must be let write them
# (the unexport below; with PYTHONDONTWRITEBYTECODE set every process would compile torch anew).
# The venv is made without pip (ensurepip would byte-compile its old pip, only to replace it) and the
# machine's pip installs a current one into it; where python3 has no pip, ensurepip does it after all.
unexport PYTHONDONTWRITEBYTECODE
$(STAMP): setup.cfg pyproject.toml
	test -x $(PY) || python3 -m venv --without-pip $(VENV)
	python3 -m pip --python $(PY) install --quiet --no-compile --upgrade pip setuptools wheel \
	    || { $(PY) -m ensurepip && $(PY) -m pip install --quiet --no-compile --upgrade pip setuptools wheel; }
	$(PY) -m pip install --quiet --no-compile -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(NEWSTRACE) --db $(DEMO_DB) ingest --primary data/demo/primary
	$(NEWSTRACE) --db $(DEMO_DB) run data/demo --kb data/demo/kb.yaml --out $(DEMO_OUT)

# ruff over everything; mypy needs a folder in which the repository root is called `newstrace`.
# On CI (a clean clone, CI=true) mypy's cache would be written for the 2,000 modules it reads and
# never read again: --cache-dir=/dev/null skips writing it (a tenth of its CPU time here). Elsewhere it is kept.
MYPY_ROOT := $(VENV)/mypy-root
lint: install
	$(VENV)/bin/ruff check .
	mkdir -p $(MYPY_ROOT) && ln -sfn $(CURDIR) $(MYPY_ROOT)/newstrace
	cd $(MYPY_ROOT) && $(CURDIR)/$(VENV)/bin/mypy --config-file $(CURDIR)/pyproject.toml $(if $(CI),--cache-dir=/dev/null) \
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

# Throughput of every stage (bench/out/pipeline-1000.json), then the HTML report folder at 5k and
# 20k articles: page sizes and headless-Chromium load times (bench/out/report-scale.json; needs
# /usr/bin/chromium, else its loads are skipped and say so). An hour or more on 2 cores.
bench: install
	$(PY) -m bench.pipeline_benchmark
	$(PY) -m bench.report_scale

bench-dask: install
	$(PY) -m bench.dask_benchmark

# HTML report page sizes and headless-Chromium load times at 5k and 20k articles (bench/out/report-scale.json).
bench-report: install
	$(PY) -m bench.report_scale

clean:
	rm -rf build *.egg-info .pytest_cache $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm $(DEMO_OUT)
