from odoo import api, models
from odoo.exceptions import AccessError


class HalleyTreatmentSession(models.Model):
    """The session's chatter is written by the clinic's staff only (billing reads
    it). The patient (a portal user) and whoever holds her reminder's link (the
    public user with the session's portal token, or the hash of a notification's
    link) read her page, and never post, react, edit or upload in its chatter, on
    any path: RPC (``message_post``), Odoo's chatter routes
    (``/mail/message/post``, ``/mail/attachment/upload``,
    ``/mail/message/reaction``, ``/mail/message/update_content``). She contacts
    the clinic by phone, as her emails say."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_thread_with_access(self, thread_id, mode="read", **kwargs):
        # Every chatter route asks for more than "read" before it writes (the
        # model's _mail_post_access, or the access a reaction or an edit needs);
        # portal's token and hash grant any mode: not here.
        if self.env.user.share and mode != "read":
            return self.browse()
        return super()._get_thread_with_access(thread_id, mode, **kwargs)

    def message_post(self, **kwargs):
        # The chatter routes post as superuser (sudo keeps the user): refused by
        # the user, not by the rights.
        if self.env.user.share:
            raise AccessError(
                self.env._(
                    "Only the clinic's staff write in a treatment session's notes. To tell the clinic "
                    "something about your visit, please call the clinic."
                )
            )
        return super().message_post(**kwargs)
