"""The patient signs her consent (on the clinic's tablet or in her portal); the
signed consent and its PDF are kept as she signed them."""

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import NOW, HalleyPackageCommon


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestSignedConsent(HalleyPackageCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.protocol_rejuran.consent_text = (
            "<p>Bruising for 5 to 7 days, small bumps for 1 to 2 days, rarely an infection. "
            "PDRN is salmon-derived: tell your doctor about any fish allergy.</p>"
        )

    def _confirmed(self, **vals):
        session = self._session(consent=False, **vals)
        session.action_confirm()
        return session

    def _run_pdf_job(self):
        """The consent-PDF job, as its cron runs it after the signing is committed."""
        self.env["halley.session.consent"]._cron_attach_signed_pdfs()

    def _pdf_text(self, consent):
        """The text of the kept PDF (Odoo renders reports as HTML in tests), once
        the consent-PDF job has made it."""
        self._run_pdf_job()
        return consent.signed_pdf_id.sudo().raw.decode()

    def test_sign_at_the_clinic(self):
        session = self._confirmed()
        as_doctor = session.with_user(self.practitioner)
        action = as_doctor.action_sign_consent()
        with Form(self.env[action["res_model"]].with_user(self.practitioner).with_context(**action["context"])) as form:
            self.assertEqual(form.signed_by_name, self.patient.name)
            self.assertIn("salmon-derived", form.consent_text)
            self.assertEqual(form.witness_id, self.practitioner)
            form.photo_record = True
            form.signature = self.SIGNATURE
        form.record.action_sign()
        consent = session.consent_ids
        self.assertEqual(len(consent), 1)
        self.assertEqual(
            (consent.procedure, consent.signed_by_name, consent.signed_on, consent.witness_id, consent.signed_channel),
            (True, self.patient.name, NOW, self.practitioner, "clinic"),
        )
        self.assertTrue(consent.signature)
        self.assertEqual((consent.photo_record, consent.photo_record_given_on, consent.photo_marketing),
                         (True, NOW, False))
        self._run_pdf_job()
        pdf = consent.signed_pdf_id
        self.assertEqual((pdf.res_model, pdf.res_id), ("halley.session.consent", consent.id))
        self.assertTrue(pdf.name.startswith(f"Consent - {self.patient.name} - "))
        text = self._pdf_text(consent)
        self.assertIn("salmon-derived", text)
        self.assertIn(self.patient.name, text)
        self.assertIn(self.practitioner.name, text, "the witness")
        self.assertIn("I agree to photographs for my clinical record", text)
        self.assertIn("data:image/png;base64,", text, "her signature")
        # The text she read is kept, whatever the protocol says later.
        self.protocol_rejuran.consent_text = "<p>Another text</p>"
        self.assertIn("salmon-derived", consent.consent_text)
        self.assertTrue(session.has_procedure_consent)
        self._answer(session)
        as_doctor.action_start()
        self.assertEqual(session.state, "in_progress")

    def _answer(self, session):
        session.screening_ids.write({"answer": "no"})

    def test_start_refused_without_signature(self):
        session = self._confirmed()
        self._answer(session)
        self.env["halley.session.consent"].with_user(self.practitioner).create(
            {"session_id": session.id, "procedure": True, "note": "Ticked, not signed"}
        )
        self.assertFalse(session.has_procedure_consent)
        self.assertFalse(
            self.env["halley.treatment.session"].search([("id", "=", session.id), ("has_procedure_consent", "=", True)])
        )
        with self.assertRaisesRegex(UserError, "The patient has not signed the consent to .*Sign consent"):
            session.with_user(self.practitioner).action_start()

    def test_signed_pdf_made_after_commit_by_the_job(self):
        """Signing writes the signature and the signed state, and wakes the
        consent-PDF job; the PDF is made by the job, once however often it runs."""
        session = self._confirmed()
        cron = self.env.ref("halley_aesthetics.ir_cron_halley_consent_pdf")
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
        consent = self._sign(session, user=self.practitioner)
        self.assertTrue(consent.signed_on and consent.signature)
        self.assertTrue(session.has_procedure_consent, "signed: the session may start before the PDF exists")
        self.assertFalse(consent.signed_pdf_id, "no PDF rendered inside the signing request")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers + 1,
            "the signing wakes the consent-PDF job",
        )
        Attachment = self.env["ir.attachment"].sudo()
        kept = [("res_model", "=", "halley.session.consent"), ("res_id", "=", consent.id)]
        self.assertFalse(Attachment.search_count(kept))
        self._run_pdf_job()
        pdf = consent.signed_pdf_id
        self.assertTrue(pdf)
        self.assertEqual(Attachment.search(kept), pdf)
        self._run_pdf_job()
        consent._halley_attach_signed_pdf()  # and a direct call: already made
        self.assertEqual(Attachment.search(kept), pdf, "the job twice makes one PDF")
        self.assertEqual(consent.signed_pdf_id, pdf)

    def test_signed_consent_cannot_be_changed_nor_deleted(self):
        session = self._confirmed()
        consent = self._sign(session, user=self.practitioner)
        self._run_pdf_job()
        for user in (self.manager, self.practitioner):
            as_user = consent.with_user(user)
            for vals in (
                {"note": "Changed"},
                {"photo_marketing": True},
                {"procedure": False},
            ):
                with self.subTest(user=user.login, vals=vals), self.assertRaisesRegex(UserError, "kept as she signed it"):
                    as_user.write(vals)
            for vals in ({"signature": False}, {"signed_by_name": "Someone else"}):
                with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
                    as_user.write(vals)
            if user == self.manager:
                with self.assertRaisesRegex(UserError, "kept as she signed it: it cannot be deleted"):
                    as_user.unlink()
            else:
                with self.assertRaises(AccessError):  # practitioners delete no consent at all
                    as_user.unlink()
            pdf = consent.signed_pdf_id.with_user(user)
            with self.assertRaisesRegex(UserError, "signed consent: it is kept as she signed it"):
                pdf.unlink()
            with self.assertRaisesRegex(UserError, "signed consent: it is kept as she signed it"):
                pdf.write({"raw": b"forged"})
        # Not even the workflow (superuser) changes it.
        with self.assertRaisesRegex(UserError, "kept as she signed it"):
            consent.sudo().write({"consent_text": "<p>Other</p>"})
        with self.assertRaisesRegex(UserError, "kept as she signed it"):
            consent.sudo().unlink()
        with self.assertRaisesRegex(UserError, "signed consent"):
            consent.signed_pdf_id.sudo().unlink()
        with self.assertRaisesRegex(UserError, "signed consent"):
            session.sudo().action_draft()
            session.sudo().unlink()
        self.assertTrue(consent.exists() and consent.signed_pdf_id.exists())

    def test_portal_signing_refusals(self):
        session = self._confirmed()
        portal = session.sudo()
        with self.assertRaisesRegex(UserError, "has not signed"):
            portal._halley_sign_consent("", self.patient.name)
        with self.assertRaisesRegex(UserError, "has not signed"):
            portal._halley_sign_consent(False, self.patient.name)
        consent = portal._halley_sign_consent(self.SIGNATURE, self.patient.name, photo_marketing=True)
        self.assertEqual((consent.signed_channel, consent.witness_id.id), ("portal", False))
        self.assertTrue(consent.photo_marketing_given_on)
        self.assertIn("Signed in the patient portal", self._pdf_text(consent))
        with self.assertRaisesRegex(UserError, "already signed"):
            portal._halley_sign_consent(self.SIGNATURE, self.patient.name)
        self.assertEqual(len(session.consent_ids), 1)

        done = self._session(start=NOW + relativedelta(days=2))
        self._answer(done)
        done.action_confirm()
        done.action_start()
        for state in ("in progress", "done"):
            with self.subTest(state=state), self.assertRaisesRegex(
                UserError, "consent can only be signed before the treatment starts"
            ):
                done.sudo()._halley_sign_consent(self.SIGNATURE, self.patient.name)
            if state == "in progress":
                done.with_context(halley_no_wizard=True).action_done()
        cancelled = self._session(consent=False, start=NOW + relativedelta(days=3))
        cancelled.action_cancel()
        with self.assertRaisesRegex(UserError, "consent can only be signed before"):
            cancelled.sudo()._halley_sign_consent(self.SIGNATURE, self.patient.name)

    def test_protocol_without_consent_text_cannot_be_signed(self):
        self.protocol_trio.consent_text = False
        session = self._session(protocol=self.protocol_trio, consent=False)
        with self.assertRaisesRegex(UserError, "no consent text yet"):
            session.sudo()._halley_sign_consent(self.SIGNATURE, self.patient.name)

    def test_record_photo_withdrawal_keeps_its_date(self):
        consent = self._sign(self._confirmed(), user=self.practitioner, photo_record=True, photo_marketing=True)
        patient = self.patient.with_user(self.practitioner)
        self.assertTrue(patient.halley_record_photo_consent)
        self.assertTrue(patient.halley_marketing_photo_consent)
        with freeze_time(NOW + relativedelta(days=3)):
            patient.action_halley_withdraw_record_photos()
        self.env.invalidate_all()
        self.assertFalse(patient.halley_record_photo_consent)
        self.assertTrue(patient.halley_marketing_photo_consent, "the marketing consent is separate")
        self.assertEqual(patient.halley_record_photo_withdrawn_on, NOW + relativedelta(days=3))
        self.assertEqual(
            (consent.photo_record, consent.photo_record_given_on, consent.photo_record_withdrawn_on,
             consent.photo_record_withdrawn_by_id),
            (True, NOW, NOW + relativedelta(days=3), self.practitioner),
        )
        with self.assertRaisesRegex(UserError, "no clinical-photo consent to withdraw"):
            patient.action_halley_withdraw_record_photos()
        with self.assertRaisesRegex(UserError, "recorded by the clinic's workflow"):
            consent.with_user(self.manager).write({"photo_record_withdrawn_on": False})

    def test_billing_cannot_read_the_consent(self):
        consent = self._sign(self._confirmed(), user=self.practitioner)
        self._run_pdf_job()
        with self.assertRaises(AccessError):
            consent.with_user(self.billing).read(["signed_by_name"])
        with self.assertRaises(AccessError):
            consent.signed_pdf_id.with_user(self.billing).read(["raw"])
        with self.assertRaises(AccessError):
            self.env["ir.actions.report"].with_user(self.billing)._render_qweb_html(
                "halley_aesthetics.action_report_halley_consent", consent.ids
            )
        with self.assertRaises(AccessError):
            self.env["halley.consent.sign"].with_user(self.billing).create({"session_id": consent.session_id.id})
