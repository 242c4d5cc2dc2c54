"""Hostile arguments to every public method the addon adds (its buttons, the
appointment book's and the overview's calls, its wizards' buttons), found in the
registry: refused in words or harmless, nothing changed, a clean log."""

from odoo.tests import tagged

from . import hostile
from .test_hostile_fields import HostileCommon

# Whose calls are tried: the widest rights (most code paths), and the roles the
# day-to-day calls (book, overview) serve.
CALLERS = ("manager",)
MODEL_CALLERS = ("billing", "practitioner", "manager")


@tagged("post_install", "-at_install")
class TestHostileMethods(HostileCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.methods = hostile.addon_methods(cls.env)

    def _targets(self):
        targets = self.write_targets()
        for model, vals in self.create_values().items():
            if self.env[model]._transient:
                targets[model] = self.env[model].with_user(self.manager).create(dict(vals))
        self.env.flush_all()
        return targets

    def _cases(self):
        """[(label, model, method, record or model, args)] as each caller."""
        targets = self._targets()
        cases = []
        for model, name, function in self.methods:
            is_model_method = getattr(function, "_api", None) == "model"
            Model = self.env[model]
            record = Model if is_model_method else targets.get(model) or Model.search([], limit=1)
            callers = MODEL_CALLERS if is_model_method else CALLERS
            if not is_model_method:
                missing = Model.browse(Model.sudo().search([], order="id desc", limit=1).id + 100_000)
                cases.append(("a record that does not exist", model, name, missing, {}, "manager"))
                other = self.others("company", model)
                if other:
                    cases.append(("another company's record", model, name, Model.browse(other), {}, "manager"))
            if not (is_model_method or record):
                continue
            for param in hostile.parameters(function):
                values = hostile.day_values() if "day" in param or "date" in param else hostile.argument_values()
                for label, value in values:
                    for role in callers:
                        cases.append((f"{param} = {label}", model, name, record, {param: value}, role))
        return cases

    def test_hostile_calls(self):
        cases = self._cases()
        self.assertGreater(len(cases), 50)
        for label, model, name, record, kwargs, role in cases:
            with self.subTest(case=f"{model}.{name}({label}) as {role}"):
                problem = self.check_call(lambda r=record, n=name, k=kwargs, u=role: getattr(r.with_user(self.users[u]), n)(**k))
                self.assertFalse(problem and problem[:400], problem and problem[:400])

    def test_the_book_refuses_a_day_in_words(self):
        """The appointment book's calls name what is wrong with the day."""
        Session = self.env["halley.treatment.session"].with_user(self.practitioner)
        for day in ("next tuesday", "2026-02-30", 42):
            with self.subTest(day=day), self.assertRaisesRegex(Exception, "day") as caught:
                Session.appointment_book_day(day=day)
            self.assertIsNone(hostile.refusal_problem(caught.exception))
        self.assertEqual(Session.appointment_book_day(day="2026-11-24")["day"], "2026-11-24")
