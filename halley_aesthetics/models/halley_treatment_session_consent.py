from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import is_html_empty

from ..images import check_signature
from ..tools import CLINICIAN_GROUPS
from .halley_session_consent import check_signer_name

SIGNABLE_STATES = ("draft", "confirmed")


class HalleyTreatmentSession(models.Model):
    """The patient's signed consent to a session's procedure: she reads the
    protocol's consent text and signs (on the clinic's tablet, witnessed by the
    practitioner, or in her portal); the consent keeps the text, her signature and
    a PDF of it, never changed afterwards."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    consent_text = fields.Html(
        compute="_compute_consent_text",
        string="Consent text",
        groups=CLINICIAN_GROUPS,
        help="The protocol's consent text, in the patient's language.",
    )

    @api.depends("protocol_id", "patient_id.lang")
    @api.depends_context("lang")
    def _compute_consent_text(self):
        for session in self:
            session.consent_text = session._halley_consent_text()

    def _halley_consent_text(self):
        """The protocol's consent text in the patient's language (else the user's)."""
        self.ensure_one()
        protocol = self.sudo().protocol_id
        patient = self.sudo().patient_id
        if patient.lang:  # hers, else the company's if hers is no longer installed
            protocol = protocol.with_context(lang=patient._halley_lang(self.sudo().company_id))
        return protocol.consent_text or False

    def action_sign_consent(self):
        """Open the signing form: the consent text, the patient's name and her
        signature, witnessed by the practitioner (the current user)."""
        self.ensure_one()
        self.check_access("write")
        self._halley_check_signable()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Sign consent"),
            "res_model": "halley.consent.sign",
            "view_mode": "form",
            "target": "new",
            "context": {"default_session_id": self.id},
        }

    def _halley_check_signable(self):
        """Refuse, in the patient's and the clinic's words, a consent that cannot be
        signed now: the session has started, is done or cancelled, or is already
        signed."""
        self.ensure_one()
        session = self.sudo()
        if session.state not in SIGNABLE_STATES:
            raise UserError(
                self.env._(
                    "%(session)s is %(state)s: its consent can only be signed before the treatment starts.",
                    session=session.display_name,
                    state=session._state_label().lower(),
                )
            )
        signed = session.consent_ids.filtered(lambda c: c.procedure and c.signed_on and not c.duplicate_of_id)
        if signed:
            raise UserError(
                self.env["halley.session.consent"]._halley_already_signed_message(
                    session, signed[0].signed_by_name, signed[0].signed_on
                )
            )
        if is_html_empty(self._halley_consent_text()):
            raise UserError(
                self.env._(
                    "The protocol %(protocol)s has no consent text yet: a clinic manager writes it on "
                    "the protocol's Consent tab.",
                    protocol=session.protocol_id.with_context(halley_clinic_names=True).display_name,
                )
            )

    def _halley_sign_consent(self, signature, signed_by_name, photo_record=False, photo_marketing=False,
                             channel="portal"):
        """The patient signs the consent to this session's procedure.

        ``signature``: base64 PNG or JPEG, her drawing (Odoo's signature widget
        or the portal's signature form; see images.check_signature);
        ``signed_by_name``: her name as she signed (at most 128 characters); ``channel``:
        "clinic" (witnessed by the current user) or "portal" (no witness; the
        caller, who has checked the session is hers, may call this through
        ``sudo()``). The consent keeps the protocol's text as she read it, her
        signature, and a PDF of it attached to the consent by a job once the
        signing is committed; nothing of it can be changed afterwards. Returns the consent."""
        self.ensure_one()
        if channel not in ("clinic", "portal"):
            raise UserError(self.env._("A consent is signed at the clinic or in the patient portal."))
        if channel == "clinic":
            self.check_access("write")
        if not signature:
            raise UserError(self.env._("The patient has not signed: ask her to sign in the box."))
        # Her drawing and her name, checked before anything is locked or written.
        check_signature(self.env, signature)
        signed_by_name = check_signer_name(self.env, signed_by_name)
        session = self.sudo()
        # One signature per session: a double click, or a second tablet, signs
        # once; the other is told who signed and when.
        self.env["halley.session.consent"]._halley_lock_signing(session)
        self._halley_check_signable()
        now = fields.Datetime.now()
        consent = self.env["halley.session.consent"].sudo().create(
            {
                "session_id": session.id,
                "procedure": True,
                "photo_record": bool(photo_record),
                "photo_marketing": bool(photo_marketing),
                "date": now,
                "recorded_by_id": self.env.uid,
                "consent_text": self._halley_consent_text(),
                "signature": signature,
                "signed_by_name": signed_by_name,
                "signed_on": now,
                "witness_id": self.env.uid if channel == "clinic" else False,
                "signed_channel": channel,
            }
        )
        # Its PDF is made after commit, by the consent-PDF job.
        consent._halley_queue_signed_pdf()
        return consent.with_env(self.env)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_signed_consent(self):
        # Only drafts may be deleted at all (the core says so for the others).
        signed = self.sudo().filtered(lambda s: s.state == "draft").consent_ids.filtered("signed_on")
        if signed:
            raise UserError(
                self.env._(
                    "%(session)s has the patient's signed consent, which is kept: cancel the session "
                    "instead of deleting it.",
                    session=signed[0].session_id.display_name,
                )
            )
