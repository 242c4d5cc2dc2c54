from odoo import api, fields, models

from ..clinic_time import company_tz


class PosConfig(models.Model):
    _inherit = "pos.config"  # pylint: disable=consider-merging-classes-inherited

    halley_package_terms = fields.Text(
        string="Course terms",
        compute="_compute_halley_package_terms",
        help="The cooling-off terms printed on the counter's receipt when it sells a "
        "course: the last day a course sold today may be cancelled for a full refund "
        "of its unused sessions, and the clinic's policy after that (clinic settings).",
    )

    @api.depends_context("lang", "uid")
    @api.depends(
        "company_id.halley_cooling_off_days", "company_id.halley_refund_policy",
        "company_id.halley_refund_fee_percent", "company_id.resource_calendar_id",
    )
    def _compute_halley_package_terms(self):
        for config in self:
            company = config.company_id
            if not company:
                config.halley_package_terms = False
                continue
            # A course sold today (the clinic's day) at this counter.
            today = fields.Date.context_today(self.with_context(tz=company_tz(company)))
            end = company._halley_cooling_off_ends([today]).get(today)
            config.halley_package_terms = company._halley_cooling_off_terms(end) if end else False

    @api.model
    def _load_pos_data_fields(self, config_id):
        # Odoo loads every field of pos.config when the list is empty: the terms
        # are then loaded with the rest; a list set by another module gets them added.
        fields_list = super()._load_pos_data_fields(config_id)
        if fields_list and "halley_package_terms" not in fields_list:
            fields_list = [*fields_list, "halley_package_terms"]
        return fields_list
