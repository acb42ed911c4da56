# Elke Deur. `make run` starts everything, `make test` tests everything.
# Both install what is missing (only when missing or changed) and train only when bot data changed.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help run run-prod test check envs train lock clean admin bench bench-prod bench-tuning loadtest

help: ## Show the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

envs: ## Create/update both virtualenvs from the lock files (and the system libraries the plan's PDF needs)
	@scripts/ensure-env.sh rasa
	@scripts/ensure-env.sh app
	@scripts/ensure-system-libs.sh

train: envs ## Train the Rasa model if bot data or config changed
	@scripts/train.sh

run: train ## Run the assistant: web chat on http://localhost:8000/, console on /console
	@PYTHONPATH=$(CURDIR) .venvs/app/bin/python -m scripts.run

test: ## Install, train and run the whole test suite; prints the total time
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory train && scripts/ensure-test-tools.sh && scripts/test.sh; status=$$?; \
	echo "==> make test finished in $$(( $$(date +%s) - start )) s (exit $$status)"; exit $$status

check: envs ## The fast inner loop (< 3 min): unit tests without a trained model, processes or PostgreSQL; prints the time
	@start=$$(date +%s); scripts/check.sh; status=$$?; \
	echo "==> make check finished in $$(( $$(date +%s) - start )) s (exit $$status)"; exit $$status

admin: envs ## Create the first beheerder account: make admin EMAIL=naam@organisatie.nl [ORG="Elke Deur algemeen"]
	@test -n "$(EMAIL)" || { echo "usage: make admin EMAIL=naam@organisatie.nl [ORG=...]"; exit 2; }
	@mkdir -p var && PYTHONPATH=$(CURDIR) .venvs/app/bin/alembic -c bridge/alembic.ini upgrade head
	@PYTHONPATH=$(CURDIR) .venvs/app/bin/python -m bridge.cli create-admin --org "$(or $(ORG),Elke Deur algemeen)" --email "$(EMAIL)"

bench: train ## Benchmark on loopback (~20 min): Rasa's starter bot, before and now, one file bench/results/<date>-bench.md; BENCH_ARGS=--help
	@PYTHONPATH=$(CURDIR) .venvs/app/bin/python -m bench.compare $(BENCH_ARGS)

bench-prod: train ## Compare standaard, productie with 1 and 2 Rasa servers (PostgreSQL + Redis, ~25 min); BENCH_PROD_ARGS=--help
	@PYTHONPATH=$(CURDIR) .venvs/app/bin/python -m bench.compare --variants standaard,productie-1,productie-2 --budget-s 480 --rates 2,4,6,8,12,16,20,25,30,40 $(BENCH_PROD_ARGS)

bench-tuning: train ## The effect of each Rasa server fix (bot/rasa_server.py), CPU per message (~8 min); TUNING_ARGS=--help
	@PYTHONPATH=$(CURDIR) .venvs/app/bin/python -m bench.tuning $(TUNING_ARGS)

lock: ## Regenerate requirements/*.lock from requirements/*.in in fresh venvs
	@scripts/lock.sh

clean: ## Remove generated state (databases, models, spaCy pipeline); keeps the venvs
	rm -rf var models

run-prod: train ## Production profile: PostgreSQL, Redis, several Rasa/action servers and bridge workers (settings: .env.productie)
	@set -a; [ ! -f .env.productie ] || . ./.env.productie; set +a; \
	ELKEDEUR_PROFILE=productie PYTHONPATH=$(CURDIR) .venvs/app/bin/python -m scripts.run

loadtest: train ## Bounded load test: 50 conversations x 20 messages via the bridge, counts from the DB; LOADTEST_ARGS=--help
	@PYTHONPATH=$(CURDIR) .venvs/app/bin/python -m bench.loadtest $(LOADTEST_ARGS)
