from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    """A patient reads the portal in her own language from the first page.

    Odoo chooses a portal page's language, in this order, from the language in
    the URL (``/zh_CN/my``), the ``frontend_lang`` cookie, the session's language
    (the logged-in user's) and the default one (``http_routing``'s
    ``ir.http._match``). The cookie is whatever the browser last read: the
    language of the previous visitor on the clinic's tablet, the public pages'
    language before she logged in, or the footer's switch. For a logged-in
    patient of the clinic (a portal user whose contact is a patient), her
    contact's language stands for the cookie, so that her language wins over
    the browser's; a language in the URL still wins (Odoo's footer switch, for
    one visit). Internal users and portal users who are no patients keep Odoo's
    choice, cookie included."""

    _inherit = "ir.http"

    @classmethod
    def _sanitize_cookies(cls, cookies):
        res = super()._sanitize_cookies(cookies)
        # Only a cookie that differs from the session's language (the user's since
        # login) can take the page away from it: no query for any other request.
        cookie_lang = cookies.get("frontend_lang")
        session = getattr(request, "session", None) if request else None
        if cookie_lang and session and session.get("uid") and cookie_lang != session.context.get("lang"):
            lang = cls._halley_patient_lang()
            if lang:
                cookies["frontend_lang"] = lang
        return res

    @classmethod
    def _halley_patient_lang(cls):
        """The language of the logged-in patient's contact (a portal user's), or None."""
        env = getattr(request, "env", None) if request else None
        session = getattr(request, "session", None) if request else None
        uid = session and session.get("uid")
        if env is None or not uid:
            return None
        # Read as superuser: only her own user's contact, only its language.
        user = env["res.users"].sudo().browse(uid).exists()
        if not user or not user.share or not user.partner_id.is_patient or not user.active:
            return None
        return user.partner_id.lang or None
