"""The role matrix of docs/roles_and_privacy.md, checked cell by cell as each role."""

import base64

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import NOW, HalleyPackageCommon, sign_consent
from .role_matrix import CLINICAL_FIELDS, DOCUMENTS, MODELS, ROLES
from .test_session_photos import photo_png

PHOTO_MARKER = "HALLEY-MATRIX-PHOTO"

OPERATIONS = {"r": "read", "w": "write", "c": "create", "u": "unlink"}
WRITE_VALUES = {"notes": "<p>Checked</p>", "deviation_reason": "One vial more", "interval_override_reason": "Trip"}


class RoleMatrixCommon(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.internal = new_test_user(cls.env, login="t_internal", groups="base.group_user", name="Internal User")
        # The portal user is the patient herself (invited to the patient portal): she
        # reads her own sessions and packages, never their clinical fields.
        cls.portal = cls.env["res.users"].with_context(no_reset_password=True).create(
            {
                "login": "t_portal",
                "password": "t_portal",
                "partner_id": cls.patient.id,
                "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
            }
        )
        cls.users = {
            "billing": cls.billing,
            "practitioner": cls.practitioner,
            "manager": cls.manager,
            "internal": cls.internal,
            "portal": cls.portal,
        }
        cls.env["halley.screening.question"].create({"name": "T Pregnant?", "severity": "hard_stop"})
        cls.patient.email = "grace@example.com"
        cls.chart = cls.env["halley.patient.chart"].create(
            {"patient_id": cls.patient.id, "medical_alerts": "Faints at the sight of needles"}
        )
        invoice = cls._invoice_as_billing(cls.trio_course)
        cls.package = invoice.invoice_line_ids.patient_package_ids
        session = cls.env["halley.treatment.session"].create(
            {
                "patient_id": cls.patient.id,
                "protocol_id": cls.protocol_trio.id,
                "room_id": cls.room.id,
                "practitioner_id": cls.practitioner.id,
                "scheduled_start": NOW,
                "notes": "<p>Tolerated well</p>",
            }
        )
        sign_consent(session, user=cls.practitioner, photo_record=True, photo_marketing=True)
        photo = cls.env["halley.session.photo"].create(
            {"session_id": session.id, "image": base64.b64encode(photo_png(PHOTO_MARKER))}
        )
        session.screening_ids.answer = "no"
        session.with_user(cls.practitioner).action_confirm()
        session.with_user(cls.practitioner).action_start()
        # Charted as the protocol plans it: 1 mL of HA (a syringe), 2 mL of Rejuran (a vial).
        cls.zone = cls.env.ref("halley_aesthetics.chart_zone_cheek_left")
        cls.injection = cls.env["halley.session.injection"].with_user(cls.practitioner).create([
            {"session_id": session.id, "zone_id": cls.zone.id, "product_id": product.id, "quantity": quantity,
             "x": 130, "y": 120, "depth": "intradermal", "device": "needle", "gauge": "32g"}
            for product, quantity in ((cls.ha, 1.0), (cls.rejuran, 2.0))
        ])[:1]
        session.with_user(cls.practitioner).action_done()
        cls.env["halley.treatment.session"]._cron_send_aftercare()
        cls.treatment = session
        # A booked session: clinical fields are written before the session is done
        # (a done session is kept as it was).
        cls.booked = cls.env["halley.treatment.session"].create(
            {
                "patient_id": cls.patient.id,
                "protocol_id": cls.protocol_trio.id,
                "room_id": cls.room.id,
                "practitioner_id": cls.practitioner.id,
                "scheduled_start": NOW,
            }
        )
        cls.photo = photo
        cls.records = {
            "halley.treatment.session": session,
            "halley.session.photo": photo,
            "halley.session.screening": session.screening_ids[:1],
            "halley.session.consent": session.consent_ids[:1],
            "halley.session.addendum": cls.env["halley.session.addendum"].create(
                {"session_id": session.id, "body": "Tolerated well; mild redness for a day."}
            ),
            "halley.screening.question": session.screening_ids[:1].question_id,
            "halley.patient.package": cls.package,
            "halley.patient.package.line": cls.package.line_ids[:1],
            "halley.package.template.line": cls.trio_course.product_tmpl_id.package_line_ids[:1],
            "halley.package.ledger": cls.env["halley.package.ledger"].search(
                [("package_id", "=", cls.package.id)], limit=1
            ),
            "halley.recall.notice": cls.env["halley.recall.notice"].sudo().create(
                {"lot_id": cls.lot_rj_early.id, "patient_id": cls.patient.id, "company_id": cls.company.id,
                 "session_ids": [Command.set(session.ids)]}
            ),
            "halley.patient.access.log": cls.env["halley.patient.access.log"]._log("print", sessions=session),
            "halley.patient.chart": cls.chart,
            "halley.allergen": cls.env.ref("halley_aesthetics.allergen_latex"),
            "halley.medicine": cls.env.ref("halley_aesthetics.medicine_aspirin"),
            "halley.lot.recall.patient": cls.env["halley.lot.recall.patient"].search(
                [("patient_id", "=", cls.patient.id)], limit=1
            ),
            "halley.session.injection": cls.injection,
            "halley.protocol.injection": cls.env["halley.protocol.injection"].create(
                {"bom_id": cls.protocol_trio.id, "zone_id": cls.zone.id, "product_id": cls.ha.id, "quantity": 1.0}
            ),
            "halley.chart.zone": cls.zone,
            "halley.consumption.cost": cls.env["halley.consumption.cost"].search(
                [("session_id", "=", session.id)], limit=1
            ),
        }

    @classmethod
    def _invoice_as_billing(cls, product):
        invoice = cls.env["account.move"].with_user(cls.billing).create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.patient.id,
                "invoice_date": NOW.date(),
                "invoice_line_ids": [Command.create({"product_id": product.id, "quantity": 1})],
            }
        )
        invoice.action_post()
        return invoice


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestRoleMatrix(RoleMatrixCommon):
    def test_every_addon_model_is_in_the_matrix(self):
        models = self.env["ir.model"].search([("model", "=like", "halley.%")]).mapped("model")
        self.assertEqual(set(models), set(MODELS), "each model of the addon has its row in docs/roles_and_privacy.md's matrix")

    def test_models_as_each_role(self):
        for model, row in MODELS.items():
            record = self.records.get(model)
            self.assertTrue(record is None or record, f"a {model} record to try")
            for role in ROLES:
                for letter, operation in OPERATIONS.items():
                    expected = letter in row[role]
                    with self.subTest(model=model, role=role, operation=operation):
                        target = (record or self.env[model]).with_user(self.users[role])
                        if operation == "create" and record:
                            target = target.browse()  # the right to create, on the model
                        self.assertEqual(target.has_access(operation), expected)

    def test_clinical_fields_as_each_role(self):
        for (model, field), row in CLINICAL_FIELDS.items():
            record = self.treatment if model == "halley.treatment.session" else self.patient
            for role in ROLES:
                user = self.users[role]
                with self.subTest(field=f"{model}.{field}", role=role):
                    as_user = record.with_user(user)
                    Model = self.env[model].with_user(user)
                    attempts = {
                        "read": lambda: as_user.read([field]),
                        "search": lambda: Model.search_count([(field, "!=", False)]),
                        "read_group": lambda: Model.read_group([(field, "!=", False)], [], []),
                    }
                    for name, attempt in attempts.items():
                        if "r" in row[role]:
                            attempt()
                        else:
                            with self.assertRaises(AccessError, msg=name):
                                attempt()
                    if field in WRITE_VALUES:
                        if model == "halley.treatment.session":
                            as_user = self.booked.with_user(user)
                        with self.env.cr.savepoint(flush=True) as savepoint:
                            if "w" in row[role]:
                                as_user.write({field: WRITE_VALUES[field]})
                            else:
                                with self.assertRaises(AccessError):
                                    as_user.write({field: WRITE_VALUES[field]})
                            savepoint.rollback()


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestRoleMatrixDocuments(RoleMatrixCommon, HttpCase):
    def _get(self, role, url):
        user = self.users[role]
        self.authenticate(user.login, user.login)
        with mute_logger("odoo.http", "odoo.addons.base.models.ir_attachment"):
            return self.url_open(url, allow_redirects=False)

    def _photo_attachment(self):
        return self.env["ir.attachment"].sudo().search(
            [("res_model", "=", "halley.session.photo"), ("res_id", "=", self.photo.id), ("res_field", "=", "image")]
        )

    def test_documents_as_each_role(self):
        session = self.treatment
        report = "halley_aesthetics.report_halley_treatment_record"
        aftercare = "halley_aesthetics.report_halley_aftercare"
        urls = {
            "Treatment record, /report/html/... and /report/pdf/...": [
                (f"/report/html/{report}/{session.id}", "Tolerated well"),
                # Under test, Odoo serves PDF reports as their HTML (no wkhtmltopdf run).
                (f"/report/pdf/{report}/{session.id}", "Tolerated well"),
            ],
            # Under test, the sheet is the report's HTML: the lots used are on it.
            "Aftercare sheet, /report/html/... and /report/pdf/...": [
                (f"/report/html/{aftercare}/{session.id}", "TRJ-EARLY"),
                (f"/report/pdf/{aftercare}/{session.id}", "TRJ-EARLY"),
            ],
            "Files attached to a session (aftercare sheet), /web/content/...": [
                (f"/web/content/{session.aftercare_attachment_id.id}?download=true", "TRJ-EARLY"),
            ],
            "Clinical photo, /web/content/... and /web/image/...": [
                (f"/web/content/halley.session.photo/{self.photo.id}/image", PHOTO_MARKER),
                (f"/web/content/{self._photo_attachment().id}", PHOTO_MARKER),
                (f"/web/image/halley.session.photo/{self.photo.id}/image", PHOTO_MARKER),
            ],
            "Patient data export (ZIP), /halley/patient/<id>/export": [
                (f"/halley/patient/{self.patient.id}/export", "PK"),
            ],
            "Aftercare sheet in the patient portal, /my/treatments/<id>/aftercare": [
                (f"/my/treatments/{session.id}/aftercare", "TRJ-EARLY"),
            ],
        }
        self.assertEqual(set(urls), set(DOCUMENTS))
        for document, row in DOCUMENTS.items():
            for role in ROLES:
                for url, marker in urls[document]:
                    with self.subTest(url=url, role=role):
                        response = self._get(role, url)
                        if "r" in row[role]:
                            self.assertEqual(response.status_code, 200)
                            self.assertIn(marker.encode(), response.content)
                        elif response.status_code == 200 and url.startswith("/web/image/"):
                            # Odoo answers a forbidden image with its placeholder, never the photo.
                            self.assertNotIn(marker.encode(), response.content)
                        else:
                            self.assertIn(response.status_code, (403, 404))
                            self.assertNotIn(b"Tolerated well", response.content)
                            self.assertNotIn(marker.encode(), response.content[:10])
