# Danish advisory chatbot on early preventive social work for children.
# `make run` starts everything, `make test` runs every test; both set up what is missing.

SHELL := /bin/bash
.DEFAULT_GOAL := help

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export WEB_PORT ?= 8080
export TRACKER_DB ?= $(CURDIR)/tracker.db

PY311 ?= python3
VENV := .venv
RASA_VENV := .venv-rasa
PY := $(VENV)/bin/python
RASA := $(RASA_VENV)/bin/rasa
SPACY_MODEL := .cache/spacy-da
EMBEDDING_MODEL := .cache/models/multilingual-e5-small-onnx-int8/exported-model-id.txt
INDEX := index/current/manifest.json
RASA_MODEL := models/bot.tar.gz
NLU_DATA := $(shell find data -name '*.yml' 2>/dev/null)
CORPUS := $(wildcard corpus/*)
# The modules that shape the built index: a change to one of them rebuilds it (no other module does).
INDEX_SOURCES := $(wildcard bot/documents/*.py bot/embedding/*.py bot/index/*.py) bot/language/analysis.py \
	bot/language/sentences.py bot/language/text.py bot/schema.py
WIDGET_ASSETS := bot/web/vendor/socket.io.min.js

.PHONY: help setup run test test-unit pytest validate test-nlu test-stories train ingest eval bench tune folds fit fit-decision lint clean console run-cluster bench-cluster

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/actions.lock.txt
	$(PY311) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch first: the CPU build on local disk, so nothing pulls a CUDA build
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -r requirements/actions.lock.txt
	touch $@

$(RASA_VENV)/.installed: requirements/rasa.lock.txt scripts/find-python310.sh
	$$(scripts/find-python310.sh) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/python -m pip install --quiet --upgrade pip==24.0
	$(RASA_VENV)/bin/python -m pip install --quiet -r requirements/rasa.lock.txt
	touch $@

$(SPACY_MODEL)/meta.json: $(RASA_VENV)/.installed scripts/make_spacy_model.py
	$(RASA_VENV)/bin/python scripts/make_spacy_model.py $(SPACY_MODEL)

$(EMBEDDING_MODEL): $(VENV)/.installed
	$(PY) -m bot model

$(INDEX): $(EMBEDDING_MODEL) $(CORPUS) $(INDEX_SOURCES)
	$(PY) -m bot ingest
	touch $@

$(WIDGET_ASSETS): package.json package-lock.json scripts/build-widget.sh
	scripts/build-widget.sh

$(RASA_MODEL): $(RASA_VENV)/.installed $(SPACY_MODEL)/meta.json config.yml domain.yml $(NLU_DATA)
	$(RASA) train --fixed-model-name bot --out models --quiet

setup: $(VENV)/.installed $(RASA_VENV)/.installed $(INDEX) $(RASA_MODEL) $(WIDGET_ASSETS)  ## venvs, model, index, Rasa model, widget

ingest: $(EMBEDDING_MODEL)  ## (re)build the index from corpus/ (incremental)
	$(PY) -m bot ingest

train: $(RASA_MODEL)  ## train the Rasa model if its data changed

run: setup  ## start action server, Rasa server and web page (Ctrl-C stops all)
	scripts/run.sh

run-cluster: setup  ## PostgreSQL, Redis, 2 Rasa replicas and 2 action servers behind haproxy (docs/deployment.md)
	scripts/cluster/run.sh

bench-cluster: $(INDEX) $(RASA_MODEL)  ## load benchmark of the cluster, 1 and 2 Rasa replicas, written to docs/benchmarks.md
	$(PY) -m scripts.bench_load --cluster

test: setup lint validate pytest test-nlu test-stories  ## every test

pytest: setup  ## every pytest suite: unit, integration (real servers), browser
	$(PY) -m pytest

test-unit: $(VENV)/.installed $(RASA_VENV)/.installed $(INDEX)  ## the fast tests: tests/unit, no server started
	$(PY) -m pytest tests/unit

lint: $(VENV)/.installed  ## ruff over the Python code
	$(PY) -m ruff check bot actions scripts tests

validate: $(RASA_VENV)/.installed $(INDEX)  ## rasa data validate, then examples, corpus metadata, dev-set retrieval floors
	$(RASA_VENV)/bin/python scripts/validate_rasa.py
	$(PY) scripts/check_project.py

test-nlu: $(RASA_VENV)/.installed $(SPACY_MODEL)/meta.json  ## NLU on a held-out 20% split, fails below the F1 floor
	rm -rf results/nlu-split results/nlu
	$(RASA) data split nlu --training-fraction 0.8 --random-seed 42 --out results/nlu-split
	$(RASA) train nlu --nlu results/nlu-split/training_data.yml --out results/nlu-split --fixed-model-name nlu --quiet
	$(RASA) test nlu --nlu results/nlu-split/test_data.yml --model results/nlu-split/nlu.tar.gz --out results/nlu
	$(PY) scripts/check_nlu_report.py results/nlu/intent_report.json

test-stories: $(RASA_MODEL)  ## Rasa test stories, failing on any prediction error
	$(RASA) test core --stories tests/stories --model $(RASA_MODEL) --out results/stories --fail-on-prediction-errors

eval: $(INDEX)  ## retrieval metrics on the dev set
	$(PY) -m bot eval --file tests/eval/dev.jsonl

bench: $(INDEX) $(RASA_MODEL)  ## retrieval and load benchmarks, written to docs/benchmarks.md (the 1M-vector run takes a while)
	$(PY) -m scripts.bench_retrieval
	$(PY) -m scripts.bench_ingest
	$(PY) -m scripts.bench_quality
	$(PY) -m scripts.bench_load

tune: $(INDEX)  ## cross-validated grid search of the fusion weights, written to docs/benchmarks.md
	$(PY) -m scripts.tune_fusion

folds: $(INDEX)  ## offline answers per tuning fold (NLU_URL=http://127.0.0.1:5005 takes intents from a running bot)
	$(PY) -m bot.evaluation.fold_eval $(if $(NLU_URL),--nlu-url $(NLU_URL))

fit: $(INDEX)  ## cross-validate the sentence ranker on the tuning folds; keep a refit only for a gain
	$(PY) -m bot.evaluation.sentence_fit --write

fit-decision: $(INDEX)  ## cross-validate a fitted answer decision against the rules (NLU_URL as for folds)
	$(PY) -m bot.evaluation.decision_fit --write $(if $(NLU_URL),--nlu-url $(NLU_URL))

console: $(INDEX) $(WIDGET_ASSETS)  ## the consultants' web console: http://127.0.0.1:8090 (CONSOLE_PORT), docs/konsulent.md
	@test -f bot/console/static/vendor/chart.umd.min.js || scripts/build-widget.sh
	$(PY) -m bot.console

clean:  ## remove built artifacts (not the venvs)
	rm -rf models results index/current index/builds .cache/spacy-da
