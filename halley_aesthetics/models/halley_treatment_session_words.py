from markupsafe import Markup

from odoo import models
from odoo.tools import formatLang


class HalleyTreatmentSession(models.Model):
    """Documents of a session named in words: the treatment and the day, never the
    session's reference (SES/2026/00002), which stays the staff's search key."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    def _treatment_record_title(self):
        """The treatment record's heading: "Rejuran Skin Healer, 26 Nov 2026"."""
        self.ensure_one()
        return self.env._(
            "%(treatment)s, %(date)s",
            treatment=self.protocol_id.clinic_name or "",
            date=self._halley_document_day(),
        )

    def _treatment_record_name(self):
        """The treatment record's file name: "Treatment record - Grace Lim -
        Rejuran Skin Healer - 26 Nov 2026" (no session code, no slash)."""
        self.ensure_one()
        return self.env._(
            "Treatment record - %(patient)s - %(treatment)s - %(date)s",
            patient=self.patient_id.name or "",
            treatment=self.protocol_id.clinic_name or "",
            date=self._halley_document_day(),
        ).replace("/", "-")

    def _used_lots_message(self):
        """The completion note: each product by name, its quantity and lot."""
        self.ensure_one()
        rows = Markup("").join(
            Markup("<li>%s</li>")
            % self.env._(
                "%(product)s: %(qty)s %(uom)s%(lot)s",
                product=line.product_id.with_context(display_default_code=False).display_name,
                qty=formatLang(self.env, line.quantity, digits=0 if float(line.quantity).is_integer() else 2),
                uom=line.product_uom_id.name,
                lot=self.env._(", lot %(lot)s", lot=line.lot_id.name) if line.lot_id else "",
            )
            for line in self.used_line_ids
        )
        return Markup("%s<ul>%s</ul>") % (self.env._("Session completed. Used:"), rows)
