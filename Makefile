# Halley Aesthetics: the two set-up commands.
#   make run    set up, create the demo clinic database if missing, serve http://localhost:8069
#   make test   set up, run every test (Odoo's runner + pytest) on a throwaway database
#   make test-upgrades  make test, and the upgrades from releases before the previous one
#   make test-core  Odoo's own test suites of the modules the addon extends, with and
#                   without the addon: fails on any test only the addon breaks
#   make test-core-tours  the same for Odoo's Point of Sale browser tours (left out of
#                   test-core: they would double its time, see docs/development.md)
#   make bench      chain-scale data built once in BENCH_DB, then each line against Odoo's own
#   make loadtest   8 XML-RPC clients x 25 sessions against a local Odoo with 4 workers, then
#                   proofs on stock, packages, quants and the server log (see README.md)
# Overrides: ODOO_SRC ODOO_REPO ODOO_BRANCH PYTHON VENV DB_NAME HTTP_PORT DB_HOST DB_PORT DB_USER
#            DB_PASSWORD TEST_DB TEST_HTTP_PORT LOADTEST_* (see README.md)
.PHONY: run test test-upgrades test-core test-core-tours setup lint bench loadtest
run:
	@bash scripts/run.sh
test:
	@bash scripts/test.sh
test-upgrades:
	@HALLEY_OLDER_UPGRADES=1 bash scripts/test.sh
test-core:
	@bash scripts/test_core.sh
test-core-tours:
	@bash scripts/test_core.sh tours
setup:
	@bash scripts/setup.sh >/dev/null
lint: setup
	@venv="$$(bash scripts/setup.sh | sed -n 's/^VENV=//p')"; \
	"$$venv/bin/ruff" check halley_aesthetics tests && "$$venv/bin/pylint" --rcfile=.pylintrc halley_aesthetics tests
bench:
	@bash scripts/bench.sh
loadtest:
	@bash scripts/loadtest.sh
