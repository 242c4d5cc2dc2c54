from urllib.parse import urlencode

from odoo import http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import consteq, is_html_empty

from ..models.halley_treatment_session_injection_records import PATIENT_SESSION_KEY

SESSION = "halley.treatment.session"
PACKAGE = "halley.patient.package"
AFTERCARE_REPORT = "halley_aesthetics.action_report_halley_aftercare"


class HalleyPatientPortal(CustomerPortal):
    """The patient portal: her treatments (upcoming and past), her packages, her
    aftercare sheets and, before a visit, her screening answers.

    A page shows a record only to the patient it belongs to (her own contact is the
    session's patient, which her record rules also require) or to whoever holds the
    link of her reminder email (its access token). Only then is the record read as
    superuser to render it, and only fields the patient may read herself (names,
    date, state: ``SESSION_PORTAL_FIELDS`` and ``PACKAGE_PORTAL_FIELDS`` in
    test_portal), besides the protocol's questions and consent text and her own
    answers."""

    # ------------------------------------------------------------------ helpers

    def _halley_patient(self):
        return request.env.user.partner_id

    def _halley_sessions_domain(self):
        return [("patient_id", "=", self._halley_patient().id), ("state", "!=", "cancel")]

    def _halley_packages_domain(self):
        return [("patient_id", "=", self._halley_patient().id)]

    def _halley_check_session(self, session_id, access_token=None):
        """The session, as superuser, if it is the user's own (or the token is its
        own); AccessError or MissingError otherwise."""
        session = request.env[SESSION].browse(session_id)
        session_sudo = session.sudo().exists()
        if not session_sudo:
            raise MissingError(request.env._("This treatment does not exist."))
        if access_token and session_sudo.access_token and consteq(session_sudo.access_token, access_token):
            return session_sudo
        if request.env.user._is_public() or session_sudo.patient_id != self._halley_patient():
            raise AccessError(request.env._("This treatment is not yours."))
        session.check_access("read")  # her own record rules too
        return session_sudo

    def _halley_use_patient_lang(self, session_sudo):
        """Her reminder's link opens her page without login (its access token): a
        visitor who is not logged in reads it in the patient's language, as her
        emails are written, not in the browser's. A logged-in user reads the portal
        in her own language (``ir.http._halley_patient_lang``). Returns the session
        to render, read in that language."""
        if not request.env.user._is_public():
            return session_sudo
        lang = request.env["res.lang"]._get_data(code=session_sudo.patient_id.halley_document_lang)
        if lang.code and lang.code != request.lang.code:
            request.lang = lang
            request.update_context(lang=lang.code)
            session_sudo = session_sudo.with_context(lang=lang.code)
        return session_sudo

    def _prepare_portal_layout_values(self):
        """Every portal page knows whether its reader is a patient of the clinic:
        her home then shows only the entries she has documents of (no empty "Your
        Orders" or "Invoices" card, see ``halley_portal_home_counters.js``)."""
        values = super()._prepare_portal_layout_values()
        values["halley_is_patient"] = bool(request.env.user.partner_id.sudo().is_patient)
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        Session, Package = request.env[SESSION], request.env[PACKAGE]
        if "halley_treatment_count" in counters:
            values["halley_treatment_count"] = (
                Session.search_count(self._halley_sessions_domain()) if Session.has_access("read") else 0
            )
        if "halley_package_count" in counters:
            values["halley_package_count"] = (
                Package.search_count(self._halley_packages_domain()) if Package.has_access("read") else 0
            )
        return values

    # ------------------------------------------------------------------ routes

    @http.route(["/my/treatments"], type="http", auth="user", website=True)
    def portal_my_treatments(self, **kwargs):
        Session = request.env[SESSION]
        if not Session.has_access("read"):
            return request.redirect("/my")
        sessions = Session.search(self._halley_sessions_domain(), order="scheduled_start desc, id desc")
        sessions_sudo = sessions.sudo()
        # Upcoming: booked, not started yet (she may still answer its questions).
        upcoming = sessions_sudo.filtered(lambda s: s.state in ("draft", "confirmed"))
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "halley_treatments",
                "upcoming": upcoming.sorted("scheduled_start"),
                "past": sessions_sudo - upcoming,
                "state_of": lambda session: session._state_label(),
            }
        )
        request.session["my_halley_treatments_history"] = sessions.ids[:100]
        return request.render("halley_aesthetics.portal_my_treatments", values)

    @http.route(["/my/treatments/<int:session_id>"], type="http", auth="public", website=True)
    def portal_my_treatment(self, session_id, access_token=None, message=None, **kwargs):
        try:
            session_sudo = self._halley_check_session(session_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        session_sudo = self._halley_use_patient_lang(session_sudo)
        return self._halley_render_treatment(session_sudo, access_token, message=message, **kwargs)

    def _halley_render_treatment(self, session_sudo, access_token, message=None, error=None, submitted=None, **kwargs):
        values = self._prepare_portal_layout_values()
        values = self._get_page_view_values(
            session_sudo, access_token, values, "my_halley_treatments_history", False, **kwargs
        )
        can_answer = session_sudo._halley_portal_can_answer()
        if can_answer:
            session_sudo._sync_screening()
        questions = session_sudo.screening_ids if can_answer else request.env["halley.session.screening"]
        # Her own answers only (or what she just typed): what a clinician or her
        # chart recorded is not shown on the portal.
        given = {
            line.id: (line.answer, line.note or "") for line in questions if line.answered_by_patient
        }
        given.update(submitted or {})
        # Her consent (the protocol's text, in her language) and the two photo
        # consents she chose before signing (kept in the page's URL until she signs).
        consent_text = session_sudo._halley_consent_text()
        consent_signed = bool(session_sudo.consent_ids.filtered(lambda c: c.procedure and c.signed_on))
        photos = {
            "photo_record": kwargs.get("photo_record") == "1",
            "photo_marketing": kwargs.get("photo_marketing") == "1",
        }
        sign_query = {key: "1" if value else "0" for key, value in photos.items()}
        if access_token:
            sign_query["access_token"] = access_token
        values.update(
            {
                "page_name": "halley_treatment",
                "session": session_sudo,
                "state_of": lambda session: session._state_label(),
                "can_answer": can_answer,
                "questions": questions,
                "given": given,
                "answered": bool(session_sudo.patient_answered_on),
                "message": message,
                "error": error,
                "consent_text": not is_html_empty(consent_text) and consent_text,
                "consent_signed": consent_signed,
                "can_sign": can_answer and not consent_signed and not is_html_empty(consent_text),
                "signing": kwargs.get("sign") == "1",
                "photos": photos,
                "sign_url": f"/my/treatments/{session_sudo.id}/sign?{urlencode(sign_query)}",
            }
        )
        return request.render("halley_aesthetics.portal_my_treatment", values)

    @http.route(
        ["/my/treatments/<int:session_id>/screening"], type="http", auth="public", methods=["POST"], website=True
    )
    def portal_my_treatment_screening(self, session_id, access_token=None, **post):
        try:
            session_sudo = self._halley_check_session(session_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        answers = {
            line.id: (post.get(f"answer_{line.id}"), post.get(f"note_{line.id}"))
            for line in session_sudo.screening_ids
        }
        try:
            session_sudo._halley_portal_answer_screening(answers)
        except UserError as error:
            session_sudo = self._halley_use_patient_lang(session_sudo)
            return self._halley_render_treatment(
                session_sudo, access_token, error=error.args[0],
                submitted={key: (answer, note or "") for key, (answer, note) in answers.items()},
            )
        query = {"message": "answered"}
        if access_token:
            query["access_token"] = access_token
        return request.redirect(f"/my/treatments/{session_id}?{urlencode(query)}")

    @http.route(["/my/treatments/<int:session_id>/sign"], type="json", auth="public", website=True)
    def portal_my_treatment_sign(self, session_id, access_token=None, name=None, signature=None):
        """Her signature from Odoo's portal signature form: the consent is signed
        through the clinic's API (as superuser, after the ownership check), with the
        photo consents she chose on the page (the form's URL carries them)."""
        args = request.httprequest.args
        access_token = access_token or args.get("access_token")
        try:
            session_sudo = self._halley_check_session(session_id, access_token)
        except (AccessError, MissingError):
            return {"error": request.env._("This treatment could not be found.")}
        try:
            session_sudo._halley_sign_consent(
                signature,
                name,
                photo_record=args.get("photo_record") == "1",
                photo_marketing=args.get("photo_marketing") == "1",
                channel="portal",
            )
        except UserError as error:
            return {"error": error.args[0]}
        query = {"message": "signed"}
        if access_token:
            query["access_token"] = access_token
        return {"force_refresh": True, "redirect_url": f"/my/treatments/{session_id}?{urlencode(query)}"}

    @http.route(["/my/treatments/<int:session_id>/aftercare"], type="http", auth="public", website=True)
    def portal_my_treatment_aftercare(self, session_id, access_token=None, download=False, **kwargs):
        try:
            session_sudo = self._halley_check_session(session_id, access_token)
        except (AccessError, MissingError):
            raise request.not_found() from None  # a document URL: whose it is stays unsaid
        if session_sudo.state != "done":
            return request.redirect(f"/my/treatments/{session_id}")
        # Rendered as superuser, the sheet in her language (its template's t-lang);
        # the zones treated listed for her, on her own sheet only.
        request.update_context(**{PATIENT_SESSION_KEY: session_sudo.id})
        return self._show_report(
            model=session_sudo, report_type="pdf", report_ref=AFTERCARE_REPORT, download=download
        )

    @http.route(["/my/packages"], type="http", auth="user", website=True)
    def portal_my_packages(self, **kwargs):
        Package = request.env[PACKAGE]
        if not Package.has_access("read"):
            return request.redirect("/my")
        packages = Package.search(self._halley_packages_domain(), order="date_purchase desc, id desc")
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "halley_packages", "packages": packages.sudo()})
        return request.render("halley_aesthetics.portal_my_packages", values)
