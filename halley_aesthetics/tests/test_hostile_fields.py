"""Hostile values in every field the addon adds, as each role that may give it one:
refused in words, or accepted and sane; nothing else changed either way. The cases
are generated (hostile.py): a new field gets its cases without a line here."""

import base64
from datetime import timedelta

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, new_test_user, tagged

from . import hostile
from .common import NOW
from .counter_common import draft_counter_line
from .test_chinese import ChineseClinicCase
from .test_role_matrix import RoleMatrixCommon
from .test_session_photos import photo_png


class HostileCommon(RoleMatrixCommon):
    """The role matrix's clinic (a record of every model, a user of every role), a
    second company with its own records, and a second patient with her own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_second_company()
        cls.protocol_in_b = cls._protocol(
            "B Rejuran", "injectable", [(cls.rejuran, 1)], company=cls.company_b
        )
        cls.patient_in_b = cls.env["res.partner"].create(
            {"name": "B Patient", "is_patient": True, "company_id": cls.company_b.id}
        )
        cls.session_in_b = cls.env["halley.treatment.session"].create(
            {
                "patient_id": cls.patient_in_b.id,
                "protocol_id": cls.protocol_in_b.id,
                "room_id": cls.room_in_b.id,
                "scheduled_start": NOW + timedelta(days=2),
                "company_id": cls.company_b.id,
            }
        )
        cls.session_of_other = cls.env["halley.treatment.session"].create(
            {
                "patient_id": cls.patient_2.id,
                "protocol_id": cls.protocol_rejuran.id,
                "room_id": cls.room_b.id,
                "practitioner_id": cls.practitioner.id,
                "scheduled_start": NOW + timedelta(days=3),
            }
        )
        cls.patient_without_chart = cls.env["res.partner"].create({"name": "T Patient Mei", "is_patient": True})
        cls.question = cls.env["halley.screening.question"].create({"name": "T Keloids?", "severity": "warning"})
        # A question for every protocol reaches the open sessions at once: taken off
        # them, so that creating its line is a case to try.
        cls.env["halley.session.screening"].search([("question_id", "=", cls.question.id)]).unlink()
        cls.scrap = cls.env["stock.scrap"].create(
            {"product_id": cls.needle.id, "scrap_qty": 1, "location_id": cls.room.id, "halley_reason": "Dropped"}
        )
        # An entry of the booked session's chart, for the write cases (a done
        # session's chart is kept as it was: every write refused).
        cls.booked_injection = cls.env["halley.session.injection"].create(
            {"session_id": cls.booked.id, "zone_id": cls.zone.id, "product_id": cls.rejuran.id, "quantity": 0.5}
        )
        cls.counter_line = draft_counter_line(cls.env, cls.company, cls.patient, cls.needle)
        cls.fields_by_model = hostile.addon_fields(cls.env)
        cls.env.flush_all()
        cls.clean_digest = hostile.digest(cls.env)

    # ------------------------------------------------------------------ records

    def others(self, what, comodel):
        Model = self.env[comodel].sudo().with_context(active_test=False)
        if what == "missing":
            last = Model.search([], order="id desc", limit=1)
            return last.id + 100_000
        if what == "company":
            if comodel == "res.company":
                return self.company_b.id
            if "company_id" in Model._fields and Model._fields["company_id"].store:
                return Model.search([("company_id", "=", self.company_b.id)], limit=1).id or None
            return None
        if "patient_id" in Model._fields and Model._fields["patient_id"].type == "many2one":
            return Model.search([("patient_id", "=", self.patient_2.id)], limit=1).id or None
        return None

    def write_targets(self):
        """The record each model's write cases change."""
        targets = dict(self.records)
        warehouse = self.warehouse
        targets.update(
            {
                "halley.treatment.session": self.booked,
                "halley.session.screening": self.booked.screening_ids[:1] or self.records["halley.session.screening"],
                "res.partner": self.patient,
                "mrp.bom": self.protocol_trio,
                "product.template": self.trio_course.product_tmpl_id,
                "stock.location": self.room,
                "res.company": self.company,
                "stock.warehouse": warehouse,
                "stock.picking.type": warehouse.halley_consumption_type_id,
                "stock.route": self.env["stock.route"].search([("halley_room_resupply", "=", True)], limit=1),
                "res.users": self.practitioner,
                "stock.move": self.treatment.move_ids[:1],
                "stock.scrap": self.scrap,
                "halley.session.injection": self.booked_injection,
                "pos.order.line": self.counter_line,
            }
        )
        return targets

    def create_values(self):
        """Valid values to create a record of each of the addon's models (one field
        at a time is then made hostile)."""
        quant = self.env["stock.quant"].search([("location_id", "=", self.room.id)], limit=1)
        return {
            "halley.treatment.session": {
                "patient_id": self.patient_2.id, "protocol_id": self.protocol_rejuran.id,
                "room_id": self.room_b.id, "practitioner_id": self.practitioner.id,
                "scheduled_start": NOW + timedelta(days=5),
            },
            "halley.session.screening": {"session_id": self.booked.id, "question_id": self.question.id},
            "halley.session.consent": {"session_id": self.booked.id, "procedure": False, "photo_record": True},
            "halley.session.addendum": {"session_id": self.treatment.id, "body": "Mild redness for a day."},
            "halley.screening.question": {"name": "T Pregnant or breastfeeding?", "severity": "warning"},
            "halley.package.template.line": {
                "product_tmpl_id": self.trio_course.product_tmpl_id.id, "protocol_id": self.protocol_co2.id,
                "session_count": 1,
            },
            "halley.patient.chart": {"patient_id": self.patient_without_chart.id},
            "halley.session.photo": {
                "session_id": self.treatment.id, "phase": "after", "angle": "front",
                "image": base64.b64encode(photo_png("HOSTILE")),
            },
            "halley.consent.sign": {"session_id": self.booked.id, "signed_by_name": "Grace"},
            "halley.expired.scrap": {"quant_ids": [Command.set(quant.ids)], "reason": "Expired"},
            "halley.lot.recall": {"lot_id": self.lot_rj_early.id},
            "halley.package.liability": {"date": NOW.date()},
            "halley.package.cancel": {"package_id": self.package.id, "reason": "Moved abroad"},
            "halley.photo.comparison": {
                "patient_id": self.patient.id, "session_a_id": self.treatment.id,
                "session_b_id": self.treatment.id, "phase": "after",
            },
            "halley.session.deviation": {"session_id": self.booked.id, "reason": "One vial more"},
            "halley.session.injection": {
                "session_id": self.booked.id, "zone_id": self.zone.id, "product_id": self.ha.id, "quantity": 0.5,
                "x": 120, "y": 110,
            },
            "halley.protocol.injection": {
                "bom_id": self.protocol_trio.id, "zone_id": self.zone.id, "product_id": self.rejuran.id,
                "quantity": 0.5,
            },
            "halley.chart.zone": {"name": "T Left temple", "code": "t_temple_left", "diagram": "left",
                                  "shape": "40,40 80,40 80,80 40,80"},
            "halley.component.replacement": {
                "session_id": self.booked.id, "component_id": self.numbing.id, "product_id": self.gel.id,
                "reason": "Allergic to lidocaine: cooling gel instead",
            },
        }

    def clean_digest_without(self, skip):
        """The digest of the fixture as it was, without the row ``skip`` (table, id)."""
        cache = type(self).__dict__.get("_clean_digests")
        if cache is None:
            cache = type(self)._clean_digests = {}
        if skip not in cache:
            cache[skip] = hostile.digest(self.env, skip=skip)
        return cache[skip]

    # ------------------------------------------------------------------ one case

    def check_case(self, record, field, label, value, operation, role, create_vals=None):
        """Give ``field`` the hostile ``value`` as ``role`` (a write on ``record``, or a
        create from ``create_vals``): refused in words, or accepted and sane, and the
        snapshot unchanged. Returns the problem, or None."""
        user = self.users[role]
        skip = (record._table, record.id) if operation == "write" else None
        before = self.clean_digest_without(skip)
        sp = self.env.cr.savepoint()
        logged = []
        try:
            try:
                with hostile.capture_log(logged):
                    Model = self.env[field.model_name].with_user(user)
                    if operation == "write":
                        target = record.with_user(user)
                        target.write({field.name: value})
                    else:
                        target = Model.create(dict(create_vals, **{field.name: value}))
                    self.env.flush_all()
            except Exception as error:  # noqa: BLE001 -- the verdict says which
                if logged:
                    return f"logged: {logged[0]}"
                sp.rollback()
                self.env.invalidate_all()
                error = hostile.as_rpc_error(self.env, error)
                problem = hostile.refusal_problem(error)
                if problem:
                    return problem
                changed = hostile.changed_tables(hostile.digest(self.env), self.clean_digest)
                if changed:
                    return f"refused, yet {changed} changed"
                return None
            if logged:
                return f"logged: {logged[0]}"
            stored = target.sudo()[field.name]
            problem = hostile.accepted_problem(target.sudo(), field, stored)
            if problem:
                return f"accepted: {problem}"
            changed = hostile.changed_tables(hostile.digest(self.env, skip=(target._table, target.id)), before)
            if changed:
                return f"accepted, and {changed} changed"
            return None
        finally:
            sp.rollback()
            sp.close(rollback=False)
            self.env.invalidate_all()

    def check_call(self, call):
        """``call()`` (a method with hostile arguments): refused in words or
        harmless, with nothing changed and a clean log. Returns the problem, or None."""
        sp = self.env.cr.savepoint()
        logged = []
        try:
            try:
                with hostile.capture_log(logged):
                    call()
                    self.env.flush_all()
            except Exception as error:  # noqa: BLE001 -- the verdict says which
                if logged:
                    return f"logged: {logged[0]}"
                sp.rollback()
                self.env.invalidate_all()
                return hostile.refusal_problem(hostile.as_rpc_error(self.env, error))
            if logged:
                return f"logged: {logged[0]}"
            changed = hostile.changed_tables(hostile.digest(self.env), self.clean_digest)
            return changed and f"accepted, and {changed} changed"
        finally:
            sp.rollback()
            sp.close(rollback=False)
            self.env.invalidate_all()

    def run_cases(self, cases):
        """cases: [(model, field, label, value, operation, role, record, create_vals)]"""
        for model, field, label, value, operation, role, record, create_vals in cases:
            with self.subTest(case=f"{model}.{field.name} = {label} ({operation} as {role})"):
                problem = self.check_case(record, field, label, value, operation, role, create_vals)
                self.assertFalse(problem and problem[:400], problem and problem[:400])


@tagged("post_install", "-at_install")
class TestHostileFields(HostileCommon):
    def _cases(self, operation):
        targets = self.write_targets()
        creates = self.create_values()
        cases = []
        for model, fields_ in self.fields_by_model.items():
            if operation == "write":
                record = targets.get(model)
                if not record or model not in targets:
                    continue
                roles = hostile.roles_that_may(self.env, self.users, model, "write")
            else:
                if model not in creates:
                    continue
                roles = hostile.roles_that_may(self.env, self.users, model, "create")
                record = None
            for field in fields_:
                allowed = [role for role in roles if hostile.field_allowed(self.env, self.users[role], field)]
                if operation == "write":
                    allowed = allowed[:1]  # the least privileged role that may write it
                for label, value in hostile.hostile_values(field, self.others):
                    for role in allowed:
                        cases.append((model, field, label, value, operation, role, record, creates.get(model)))
        return cases

    def test_every_model_has_records_to_try(self):
        """Each model with fields to try has a record to write or values to create
        from: a new model of the addon must be added to write_targets or
        create_values, or its fields go untried."""
        targets, creates = self.write_targets(), self.create_values()
        untried = [
            model for model in self.fields_by_model
            if model not in creates and not (targets.get(model) or self.env[model])
        ]
        self.assertFalse(untried, "Models whose fields no case tries")

    def test_create_values_are_accepted(self):
        """The valid values the create cases start from are accepted by each role
        that may create: a create case is refused for its hostile field, not for
        the rest."""
        for model, vals in self.create_values().items():
            for role in hostile.roles_that_may(self.env, self.users, model, "create"):
                with self.subTest(model=model, role=role):
                    sp = self.env.cr.savepoint()
                    try:
                        self.env[model].with_user(self.users[role]).create(dict(vals))
                        self.env.flush_all()
                    finally:
                        sp.close(rollback=True)
                        self.env.invalidate_all()

    def test_hostile_writes(self):
        cases = self._cases("write")
        self.assertGreater(len(cases), 100)
        self.run_cases(cases)

    def test_hostile_creates(self):
        cases = self._cases("create")
        self.assertGreater(len(cases), 100)
        self.run_cases(cases)


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestLanguageNotInstalled(ChineseClinicCase):
    """A contact's language must be one the database has; a patient whose language
    was removed since (already in the database) gets her documents in her company's
    language."""

    def test_a_language_not_installed_is_refused_in_words(self):
        for code in ("xx_XX", "fr_FR", 42):  # unknown, known but not active, not a code
            with self.subTest(code=code), self.assertRaisesRegex(ValidationError, "not installed"):
                self.patient.with_user(self.billing).write({"lang": code})
            with self.subTest(code=code), self.assertRaisesRegex(ValidationError, "not installed"):
                self.env["res.partner"].with_user(self.billing).create({"name": "T Mei", "lang": code})
        with self.assertRaisesRegex(ValidationError, "not a time zone"):
            self.patient.write({"tz": "Mars/Olympus"})
        # Installed languages, and Odoo's own flows (a user's language), as before.
        self.patient.with_user(self.billing).write({"lang": "zh_CN", "tz": "Asia/Singapore"})
        user = new_test_user(self.env, login="t_lang", lang="zh_CN")
        self.assertEqual(user.partner_id.lang, "zh_CN")

    def test_her_documents_fall_back_to_the_company_language(self):
        self.company.partner_id.lang = "zh_CN"
        # The mail templates as the addon ships them (noupdate records: a database
        # upgraded from 18.0.1.4.0 gets their language from migration post-hostile).
        for xmlid in ("mail_template_halley_aftercare", "mail_template_halley_session_reminder"):
            self.env.ref(f"halley_aesthetics.{xmlid}").lang = "{{ object.patient_id.halley_document_lang }}"
        session = self._done(self.patient_zh)
        booked = self._session(patient=self.patient_zh, start=NOW + timedelta(days=1))
        booked.screening_ids.answer = "no"
        booked.action_confirm()
        # Her language was removed since (the clinic's data, not a write of hers).
        self.env.cr.execute("UPDATE res_partner SET lang = 'xx_XX' WHERE id = %s", [self.patient_zh.id])
        self.env.invalidate_all()
        self.assertEqual(self.patient_zh.halley_document_lang, "zh_CN")
        self.assertIn("治疗后的护理须知", self._sheet_html(session))
        self.assertEqual(session._aftercare_sheet_name(), "术后护理 - Tan Mei Ling - 2026年11月24日")
        session._send_aftercare()
        self.assertEqual(session.aftercare_state, "sent")
        message = session.message_ids.filtered(lambda m: self.patient_zh in m.partner_ids)[:1]
        self.assertEqual(message.subject, "今天治疗后的护理须知（婴儿针）")
        booked._send_reminder()
        reminder = booked.message_ids.filtered(lambda m: self.patient_zh in m.partner_ids)[:1]
        self.assertIn("亲爱的 Tan Mei Ling", reminder.body)
        self.assertTrue(booked._invoice_line_text().startswith("婴儿针"), booked._invoice_line_text())


@tagged("post_install", "-at_install")
class TestOdooCreateUnchanged(TransactionCase):
    """The addon's value check sits under every model's create: Odoo's own ways of
    calling it still work."""

    def test_create_from_a_generator(self):
        # Odoo's own suites create account tags and attribute values this way.
        tags = self.env["res.partner.category"].create({"name": f"T tag {i}"} for i in range(2))
        self.assertEqual(tags.mapped("name"), ["T tag 0", "T tag 1"])
