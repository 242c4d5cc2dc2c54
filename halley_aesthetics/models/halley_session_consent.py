import logging

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..clinic_time import format_local, localize, text_tz
from ..images import check_signature
from ..tools import (
    CONCURRENCY_ERRORS,
    JOB_RETRY_DELAY,
    check_session_open,
    check_workflow_fields,
    lock_rows,
    run_unless_busy,
)

_logger = logging.getLogger(__name__)

# Signed consents whose PDF one run of the consent-PDF job renders.
SIGNED_PDF_BATCH_SIZE = 20

# The database keeps one signed procedure consent per session (a second
# signature, concurrent or later, is refused): a partial unique index.
ONE_SIGNED_CONSENT_INDEX = "halley_session_consent_one_signed_procedure"
# The signer's name as she wrote it: a person's name, not a text.
SIGNER_NAME_MAX = 128

# Who recorded a consent and when, its signature and its withdrawals: set by the
# workflow only (as superuser, which no RPC call can be; a context key could be
# sent by anyone).
AUDIT_FIELDS = {
    "date", "recorded_by_id",
    "photo_record_given_on", "photo_marketing_given_on",
    "photo_record_withdrawn_on", "photo_record_withdrawn_by_id",
    "photo_marketing_withdrawn_on", "photo_marketing_withdrawn_by_id",
    "consent_text", "signature", "signed_by_name", "signed_on", "witness_id", "signed_channel",
    "signed_pdf_id", "recorded_before_signing", "duplicate_of_id",
}
# What a signed consent says: never changed once signed, by anyone (the workflow
# included), nor deleted. Only the photo withdrawals are recorded later.
SIGNED_FIELDS = {
    "session_id", "procedure", "photo_record", "photo_marketing", "note", "date", "recorded_by_id",
    "photo_record_given_on", "photo_marketing_given_on",
    "consent_text", "signature", "signed_by_name", "signed_on", "witness_id", "signed_channel",
    "signed_pdf_id", "recorded_before_signing", "duplicate_of_id",
}


def check_signer_name(env, name):
    """The signer's name, stripped: refused, with a sentence, when empty, not a
    text or longer than ``SIGNER_NAME_MAX`` characters."""
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(env._("Write the name of the person signing the consent."))
    name = " ".join(name.split())
    if len(name) > SIGNER_NAME_MAX:
        raise ValidationError(
            env._(
                "The name of the person signing has %(count)s characters: a name has at most %(max)s.",
                count=len(name), max=SIGNER_NAME_MAX,
            )
        )
    return name


class HalleySessionConsent(models.Model):
    """The patient's consent for one session: the procedure, and separately photos
    for the clinical record and photos for marketing. Marketing-photo consent can
    be withdrawn at any time (PDPA); the withdrawal date is kept."""

    _name = "halley.session.consent"
    _description = "Session consent"
    _order = "date desc, id desc"

    session_id = fields.Many2one(
        "halley.treatment.session", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="session_id.company_id", store=True)
    patient_id = fields.Many2one(related="session_id.patient_id", store=True)
    procedure = fields.Boolean(string="Procedure consent")
    photo_record = fields.Boolean(string="Photos for the clinical record")
    photo_marketing = fields.Boolean(string="Photos for marketing")
    photo_record_given_on = fields.Datetime(
        string="Record photos consented on", readonly=True, copy=False,
        help="When the patient consented to photos for her clinical record.",
    )
    photo_marketing_given_on = fields.Datetime(
        string="Marketing photos consented on", readonly=True, copy=False,
        help="When the patient consented to photos for marketing.",
    )
    photo_record_withdrawn_on = fields.Datetime(
        string="Record photos withdrawn on",
        readonly=True,
        copy=False,
        help="When the patient withdrew her consent to photos for her clinical record.",
    )
    photo_record_withdrawn_by_id = fields.Many2one(
        "res.users", string="Record-photo withdrawal recorded by", readonly=True, copy=False
    )
    photo_marketing_withdrawn_on = fields.Datetime(
        string="Marketing photos withdrawn on",
        readonly=True,
        copy=False,
        help="When the patient withdrew her consent to marketing photos.",
    )
    photo_marketing_withdrawn_by_id = fields.Many2one(
        "res.users", string="Withdrawal recorded by", readonly=True, copy=False
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, copy=False)
    recorded_by_id = fields.Many2one(
        "res.users", string="Recorded by", required=True, default=lambda self: self.env.user, readonly=True,
        copy=False,
    )
    note = fields.Char(help="How consent was given (signed form reference, witness).")
    # The signed consent (see halley_treatment_session_consent.py): what she read,
    # her signature, who signed, when, the witness, and the PDF kept of it.
    consent_text = fields.Html(
        string="Consent text", readonly=True, copy=False, sanitize=True,
        help="The protocol's consent text as the patient read it when she signed.",
    )
    signature = fields.Image(
        readonly=True, copy=False, attachment=False, max_width=1024, max_height=1024,
    )
    signed_by_name = fields.Char(string="Signed by", readonly=True, copy=False)
    signed_on = fields.Datetime(string="Signed on", readonly=True, copy=False)
    witness_id = fields.Many2one("res.users", readonly=True, copy=False)
    signed_channel = fields.Selection(
        [("clinic", "At the clinic"), ("portal", "In the patient portal")],
        string="Signed", readonly=True, copy=False,
    )
    signed_pdf_id = fields.Many2one(
        "ir.attachment", string="Signed consent (PDF)", readonly=True, copy=False, ondelete="restrict",
    )
    recorded_before_signing = fields.Boolean(
        string="Recorded before signed consents", readonly=True, copy=False,
        help="A procedure consent the practitioner recorded before consents were signed "
        "(kept by the upgrade): it still allows its session to start.",
    )
    duplicate_of_id = fields.Many2one(
        "halley.session.consent", string="Second signature of", readonly=True, copy=False, index="btree_not_null",
        help="A second signature of this session's consent, kept from before a session could hold only one "
        "(see the 18.0.1.5.0 upgrade): the first signed consent is the one that counts, and this one's photo "
        "consents were withdrawn.",
    )
    is_signed = fields.Boolean(compute="_compute_is_signed", string="Signed consent")

    def init(self):
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (session_id) "
                "WHERE procedure AND signed_on IS NOT NULL AND duplicate_of_id IS NULL",
                SQL.identifier(ONE_SIGNED_CONSENT_INDEX),
                SQL.identifier(self._table),
            )
        )

    @api.depends("signed_on")
    def _compute_is_signed(self):
        for consent in self:
            consent.is_signed = bool(consent.signed_on)

    def _counts_as_procedure_consent(self):
        """Whether this consent allows its session to start: a signed procedure
        consent (or one recorded before consents were signed)."""
        self.ensure_one()
        return self.procedure and bool(self.signed_on or self.recorded_before_signing)

    @api.model_create_multi
    def create(self, vals_list):
        # A session that exists, before it is read. Only the session: the other values
        # are checked by the field's own rules first (the signer's name, the
        # signature), then by models/base.py in super().create.
        self._halley_check_values([{"session_id": vals["session_id"]} for vals in vals_list if "session_id" in vals])
        for vals in vals_list:
            self._check_audit_fields(vals)
        check_session_open(
            self, self.env["halley.treatment.session"].browse([v["session_id"] for v in vals_list if v.get("session_id")])
        )
        for vals in vals_list:
            if not self.env.su:
                # Now, by the current user, not withdrawn, not signed: whatever the
                # context's defaults say.
                vals.update(
                    date=fields.Datetime.now(), recorded_by_id=self.env.uid,
                    photo_marketing_withdrawn_on=False, photo_marketing_withdrawn_by_id=False,
                    photo_record_withdrawn_on=False, photo_record_withdrawn_by_id=False,
                    photo_record_given_on=False, photo_marketing_given_on=False,
                    consent_text=False, signature=False, signed_by_name=False, signed_on=False,
                    witness_id=False, signed_channel=False, signed_pdf_id=False,
                    recorded_before_signing=False,
                )
            for kind in ("record", "marketing"):
                if vals.get(f"photo_{kind}") and not vals.get(f"photo_{kind}_given_on"):
                    vals[f"photo_{kind}_given_on"] = vals.get("date") or fields.Datetime.now()
            self._check_signed_vals(vals, signing=bool(vals.get("signed_on")))
        signed = [
            vals["session_id"] for vals in vals_list
            if vals.get("procedure") and vals.get("signed_on") and not vals.get("duplicate_of_id")
        ]
        if not signed:
            return super().create(vals_list)
        if len(signed) != len(set(signed)):
            raise UserError(self.env._("A session's consent is signed once: one signature at a time."))
        sessions = self.env["halley.treatment.session"].browse(signed)
        self._halley_check_one_signature(sessions)
        return self._halley_translate_second_signature(sessions, lambda: super(HalleySessionConsent, self).create(vals_list))

    def write(self, vals):
        self._check_audit_fields(vals)
        check_session_open(self, self.session_id)
        self._check_signed_kept(vals)
        vals = dict(vals)
        self._check_signed_vals(vals)
        signing = self._halley_sessions_signed_by(vals)
        if "session_id" in vals:
            check_session_open(self, self.env["halley.treatment.session"].browse(vals["session_id"]))
        if vals.get("photo_marketing") is False and any(c.photo_marketing_withdrawn_on for c in self):
            raise UserError(
                self.env._("This marketing-photo consent was withdrawn: its record is kept as it was.")
            )
        if vals.get("photo_record") is False and any(c.photo_record_withdrawn_on for c in self):
            raise UserError(
                self.env._("This clinical-photo consent was withdrawn: its record is kept as it was.")
            )
        for kind in ("record", "marketing"):
            if vals.get(f"photo_{kind}") and f"photo_{kind}_given_on" not in vals:
                given = self.filtered(lambda c, k=kind: not c[f"photo_{k}"])
                if given:
                    super(HalleySessionConsent, given.sudo()).write({f"photo_{kind}_given_on": fields.Datetime.now()})
        if signing:
            return self._halley_translate_second_signature(
                signing, lambda: super(HalleySessionConsent, self).write(vals)
            )
        return super().write(vals)

    def _halley_sessions_signed_by(self, vals):
        """The sessions whose signed procedure consent writing ``vals`` makes
        (the workflow's writes), checked to have none yet."""
        if not {"procedure", "signed_on", "duplicate_of_id", "session_id"} & set(vals):
            return self.env["halley.treatment.session"]
        becoming = self.filtered(
            lambda c: vals.get("procedure", c.procedure) and vals.get("signed_on", c.signed_on)
            and not vals.get("duplicate_of_id", c.duplicate_of_id)
        )
        sessions = self.env["halley.treatment.session"]
        if becoming:
            sessions = sessions.browse(vals["session_id"]) if vals.get("session_id") else becoming.session_id
            if len(becoming) > len(sessions):
                raise UserError(self.env._("A session's consent is signed once: one signature at a time."))
            self._halley_check_one_signature(sessions, exclude=becoming)
        return sessions

    def _check_signed_vals(self, vals, signing=False):
        """The signature is a drawing (see images.check_signature) and the
        signer's name a name; a consent signed (``signing``) has both. Refused
        with a sentence before anything is written; the name is kept stripped."""
        if signing and not vals.get("signature"):
            raise ValidationError(self.env._("The patient has not signed: ask her to sign in the box."))
        if vals.get("signature"):
            check_signature(self.env, vals["signature"])
        if signing or vals.get("signed_by_name"):
            vals["signed_by_name"] = check_signer_name(self.env, vals.get("signed_by_name"))

    def _halley_check_one_signature(self, sessions, exclude=None):
        """Refuse, in words, a signed procedure consent for a session that
        already has one ("Grace Lim already signed this consent at 10:42").

        The sessions' rows are locked and marked changed first: a signature of
        the same session racing this one waits on the lock, then fails with a
        serialization error (quietly: Odoo replays the request) and, replayed,
        reads this one and is refused here. The partial unique index
        ``ONE_SIGNED_CONSENT_INDEX`` holds even for a path that skips this."""
        sessions = self._halley_lock_signing(sessions)
        for session in sessions:
            signed = session.consent_ids.filtered(
                lambda c: c.procedure and c.signed_on and not c.duplicate_of_id and c not in (exclude or ())
            )
            if signed:
                raise UserError(self._halley_already_signed_message(session, signed[0].signed_by_name, signed[0].signed_on))

    def _halley_lock_signing(self, sessions):
        """Lock ``sessions``' rows for a signature and mark them changed (see
        ``_halley_check_one_signature``). Returns them, as superuser."""
        sessions = sessions.sudo().exists()
        if sessions:
            lock_rows(sessions)
            self.env.cr.execute(
                "UPDATE halley_treatment_session SET write_date = write_date WHERE id IN %s",
                [tuple(sessions.ids)],
            )
        return sessions

    def _halley_translate_second_signature(self, sessions, do):
        """Run ``do()`` (the create or write of a signed procedure consent) and
        answer the database's refusal of a second one in the same words as the
        check before it."""
        try:
            with self.env.cr.savepoint(flush=False):
                result = do()
                self.env.flush_all()
        except psycopg2.errors.UniqueViolation as error:
            if error.diag.constraint_name != ONE_SIGNED_CONSENT_INDEX:
                raise
            # Signed by a transaction this one cannot see: read it as committed.
            with self.env.registry.cursor() as cr:
                cr.execute(
                    "SELECT session_id, signed_by_name, signed_on FROM halley_session_consent "
                    "WHERE session_id IN %s AND procedure AND signed_on IS NOT NULL AND duplicate_of_id IS NULL "
                    "ORDER BY id LIMIT 1",
                    [tuple(sessions.ids)],
                )
                row = cr.fetchone()
            session = self.env["halley.treatment.session"].sudo().browse(row[0] if row else sessions.ids[0])
            raise UserError(
                self._halley_already_signed_message(session, row and row[1], row and row[2])
            ) from None
        return result

    def _halley_already_signed_message(self, session, name, signed_on):
        """ "Grace Lim already signed this consent at 10:42": the time in the
        reader's zone (else the clinic's), its day too when not today."""
        session = session.sudo()
        name = name or session.patient_id.name
        if not signed_on:
            return self.env._("%(name)s already signed this consent.", name=name)
        # Read by the patient (portal) or the clinic's staff: her time zone, else
        # the clinic's; never the server's.
        tz = text_tz(session.company_id, session.patient_id)
        local = localize(signed_on, tz)
        today = localize(fields.Datetime.now(), tz).date()
        time = format_local(self.env, signed_on, tz, time_only=True)
        if local.date() == today:
            return self.env._("%(name)s already signed this consent at %(time)s.", name=name, time=time)
        return self.env._(
            "%(name)s already signed this consent on %(date)s at %(time)s.",
            name=name, time=time, date=format_local(self.env, signed_on, tz, date_only=True),
        )

    def _check_signed_kept(self, vals):
        """A signed consent is the patient's signed document: what it says, who
        signed, when and its PDF are never changed, by anyone. The PDF is linked
        once, by the signing itself."""
        signed = self.filtered("signed_on")
        if not signed:
            return
        changed = SIGNED_FIELDS & set(vals)
        if self.env.su and changed == {"signed_pdf_id"} and not any(signed.mapped("signed_pdf_id")):
            return
        if changed:
            raise UserError(
                self.env._(
                    "The consent %(patient)s signed on %(date)s is kept as she signed it: it cannot "
                    "be changed (%(fields)s). Record a new consent or an addendum instead.",
                    patient=signed[0].signed_by_name,
                    date=signed[0]._signed_on_label(),
                    fields=", ".join(self._fields[name].string for name in sorted(changed)),
                )
            )

    def _signed_on_label(self):
        self.ensure_one()
        session = self.sudo().session_id
        return format_local(self.env, self.signed_on, text_tz(session.company_id, session.patient_id))

    def _check_audit_fields(self, vals):
        check_workflow_fields(
            self, vals, AUDIT_FIELDS, self.env._("When a consent was recorded, by whom, and its withdrawal")
        )

    def _halley_signed_pdf_name(self):
        """The signed consent's file name, the patient's: "Consent - Grace Lim -
        26 Nov 2026" (her name and the session's day in her language and time
        zone, no session code)."""
        self.ensure_one()
        session = self.sudo().session_id
        patient = session.patient_id
        env = self.with_context(lang=patient._halley_lang(session.company_id)).env
        return env._(
            "Consent - %(patient)s - %(date)s",
            patient=(patient.name or "").replace("/", "-"),
            date=session.with_env(env)._halley_document_day(),
        )

    def _halley_queue_signed_pdf(self):
        """Have the signed consents' PDFs made after this transaction commits: the
        signature and the signed state are written in the request, the PDF is
        rendered by the consent-PDF job (``_cron_attach_signed_pdfs``), which a
        trigger wakes once the signing is committed. Rendering a PDF inside the
        request would make the patient wait for it and, during an install (the
        demo's consents), fetch its assets from a server that is not running."""
        if self.filtered("signed_on"):
            self.env.ref("halley_aesthetics.ir_cron_halley_consent_pdf").sudo()._trigger()
        return True

    def _halley_attach_signed_pdf(self):
        """Render the signed consent (report "Consent", in the patient's language)
        and keep it as a PDF attached to the consent, linked from it. Idempotent:
        a consent that has its PDF, or is not signed, is left as it is."""
        for consent in self.sudo():
            if consent.signed_pdf_id or not consent.signed_on:
                continue
            content, extension = self.env["ir.actions.report"].sudo()._render_qweb_pdf(
                "halley_aesthetics.action_report_halley_consent", consent.ids
            )
            attachment = self.env["ir.attachment"].sudo().create(
                {
                    "name": f"{consent._halley_signed_pdf_name()}.{extension}",
                    "raw": content,
                    "res_model": self._name,
                    "res_id": consent.id,
                    "company_id": consent.company_id.id,
                }
            )
            consent.write({"signed_pdf_id": attachment.id})

    @api.model
    def _cron_attach_signed_pdfs(self, batch_size=SIGNED_PDF_BATCH_SIZE):
        """The consent-PDF job: render the PDFs of signed consents that have none
        yet, a batch per run (Odoo's cron runner commits after each run and runs
        it again at once while the progress says some are left). Each consent is
        locked without waiting (``run_unless_busy``): one that a concurrent
        transaction holds or has just given its PDF is left for the next run,
        which finds it done. Running it twice makes one PDF per consent."""
        domain = [("signed_on", "!=", False), ("signed_pdf_id", "=", False)]
        Consent = self.sudo()
        consents = Consent.search(domain, order="id", limit=batch_size)
        remaining = Consent.search_count(domain) - len(consents) if len(consents) == batch_size else 0
        failed = Consent.browse()
        postponed = Consent.browse()
        for consent in consents:
            try:
                if not run_unless_busy(consent, consent._halley_attach_signed_pdf, _logger,
                                       f"Signed consent PDF of {consent.id}"):
                    postponed |= consent
            except CONCURRENCY_ERRORS:
                raise
            except Exception:  # noqa: BLE001 - one consent's failure must not stop the others
                # Kept without its PDF (the next hourly run tries again); the signed
                # consent itself, what counts, is committed already.
                _logger.info("Signed consent PDF of %s not made", consent.id, exc_info=True)
                failed |= consent
        if postponed:
            self.env.ref("halley_aesthetics.ir_cron_halley_consent_pdf").sudo()._trigger(
                fields.Datetime.now() + JOB_RETRY_DELAY
            )
        if failed:
            remaining = 0  # not again at once: the hourly run retries
        self.env["ir.cron"]._notify_progress(done=len(consents - postponed - failed), remaining=remaining)
        return True

    def action_open_signed_pdf(self):
        """Open the signed consent's PDF, as it was kept when she signed."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.signed_pdf_id.id}?download=false",
            "target": "new",
        }

    def _withdraw_record_photos(self):
        """Withdraw the clinical-record photo consent of these consents (those given
        and not withdrawn yet); the withdrawal date and who recorded it are kept."""
        given = self.filtered(lambda c: c.photo_record and not c.photo_record_withdrawn_on)
        given.sudo().write(
            {
                "photo_record_withdrawn_on": fields.Datetime.now(),
                "photo_record_withdrawn_by_id": self.env.uid,
            }
        )
        return given

    def _withdraw_marketing_photos(self):
        """Withdraw the marketing-photo consent of these consents (those given and
        not withdrawn yet); the withdrawal date and who recorded it are kept."""
        given = self.filtered(lambda c: c.photo_marketing and not c.photo_marketing_withdrawn_on)
        given.sudo().write(
            {
                "photo_marketing_withdrawn_on": fields.Datetime.now(),
                "photo_marketing_withdrawn_by_id": self.env.uid,
            }
        )
        return given

    @api.ondelete(at_uninstall=False)
    def _unlink_if_session_open(self):
        check_session_open(self, self.session_id)
        signed = self.filtered("signed_on")
        if signed:
            raise UserError(
                self.env._(
                    "The consent %(patient)s signed on %(date)s is kept as she signed it: it cannot be deleted.",
                    patient=signed[0].signed_by_name,
                    date=signed[0]._signed_on_label(),
                )
            )
