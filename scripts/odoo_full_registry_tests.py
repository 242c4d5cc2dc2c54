"""Run Odoo with its test runner on a database where every module is already
installed, running each selected module's at_install tests *after* the whole
registry is loaded, together with its post_install tests.

Odoo runs at_install tests while it loads a module, with only the modules loaded
so far in the registry: on an installed database that breaks on every column a
later module made NOT NULL. `make test-core` wants the opposite: Odoo's own tests,
run against the registry a user of the clinic's database has (the addon loaded).

Usage: python odoo_full_registry_tests.py <odoo-bin arguments>
(with --test-enable --test-tags ... and no -i/-u).
"""

import sys

import odoo

# Odoo's test framework may only be imported once test mode is on.
odoo.tools.config.parse_config(sys.argv[1:])
from odoo.tests import loader  # noqa: E402
from odoo.tests.suite import OdooSuite  # noqa: E402

_make_suite = loader.make_suite


def make_suite(module_names, position="at_install"):
    if position == "at_install":
        return OdooSuite([])  # nothing while the registry is being loaded
    at_install = _make_suite(module_names, "at_install")
    post_install = _make_suite(module_names, "post_install")
    return OdooSuite(list(at_install) + list(post_install))


loader.make_suite = make_suite

if __name__ == "__main__":
    sys.argv[0] = "odoo"
    odoo.cli.main()
