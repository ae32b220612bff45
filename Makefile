# Two commands: `make demo` runs the product with demo data, `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint format serve worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/python requirements.txt requirements-dev.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

demo: $(VENV)/.installed
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	HOST=$(HOST) PORT=$(PORT) DEBUG=1 $(BIN)/python manage.py demo_event --participants $${PARTICIPANTS:-30}
	@echo "Preparing the group allocator (compiled once, then cached)..."
	$(BIN)/python -m groups.allocation warm
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	HOST=$(HOST) PORT=$(PORT) DEBUG=1 $(BIN)/uvicorn wetheinternet.asgi:application --ws websockets-sansio --host $(HOST) --port $(PORT)

serve: $(VENV)/.installed
	DEBUG=1 $(BIN)/uvicorn wetheinternet.asgi:application --ws websockets-sansio --host $(HOST) --port $(PORT) --reload

worker: $(VENV)/.installed
	$(BIN)/celery -A wetheinternet worker --loglevel=info

test: $(VENV)/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
