import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResPartner(models.Model):
    """A contact's language and time zone are ones this database has: a language
    that is not installed (or not active) is refused in words, where Odoo would
    keep it (on create) or answer with a traceback (on write), and her consent,
    aftercare sheet and mails would then fail. Only values given explicitly are
    checked (defaults and Odoo's own flows give installed languages). Documents of
    a patient whose language was removed since fall back to the company's
    (``_halley_lang``)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    halley_document_lang = fields.Char(
        compute="_compute_halley_document_lang",
        string="Language of her documents",
        help="Her language if it is installed, else her company's (else the current company's): "
        "the language her consent, aftercare sheet and mails are written in.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        self._halley_check_lang_tz(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._halley_check_lang_tz([vals])
        return super().write(vals)

    def _halley_check_lang_tz(self, vals_list):
        installed = None
        for vals in vals_list:
            lang, tz = vals.get("lang"), vals.get("tz")
            if lang:
                installed = installed or dict(self.env["res.lang"].get_installed())
                if not isinstance(lang, str) or lang not in installed:
                    raise ValidationError(
                        self.env._(
                            "The language “%(code)s” is not installed: choose one of %(languages)s.",
                            code=str(lang)[:40], languages=", ".join(installed.values()),
                        )
                    )
            if tz and (not isinstance(tz, str) or tz not in pytz.all_timezones_set):
                raise ValidationError(
                    self.env._("“%(tz)s” is not a time zone (for instance Asia/Singapore).", tz=str(tz)[:40])
                )

    @api.depends("lang", "company_id")
    @api.depends_context("company")
    def _compute_halley_document_lang(self):
        for partner in self:
            partner.halley_document_lang = partner._halley_lang(partner.company_id) if partner.id or partner.lang else False

    def _halley_lang(self, company=None):
        """The language her documents are written in: hers if it is installed, else
        the company's (``company``, default the current one), else the user's."""
        self.ensure_one()
        installed = dict(self.env["res.lang"].get_installed())
        company = company or self.env.company
        for lang in (self.lang, company.partner_id.lang, self.env.lang, "en_US"):
            if lang in installed:
                return lang
        return next(iter(installed))
