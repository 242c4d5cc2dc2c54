from odoo import api, fields, models

# Medicine classes that raise the bruising warning (the "anticoagulant" screening
# questions answered from the chart).
BRUISING_CLASSES = ("anticoagulant", "antiplatelet", "supplement")


class HalleyMedicine(models.Model):
    """A medicine (or supplement) the clinic codes on patients' charts, with the
    class that decides what her sessions warn about: anticoagulants, antiplatelets
    and the supplements the clinic warns about raise the bruising warning.
    Kept by the clinic managers (Clinic > Configuration > Medicines), shared by
    every clinic of the database."""

    _name = "halley.medicine"
    _description = "Medicine"
    _order = "medicine_class, name, id"

    name = fields.Char(required=True, translate=True)
    synonyms = fields.Text(
        help="Other words that name it in a chart, separated by commas or lines: brand names "
        "(Coumadin, Eliquis), the substance. Matched as whole words, in any case.",
    )
    medicine_class = fields.Selection(
        [
            ("anticoagulant", "Anticoagulant"),
            ("antiplatelet", "Antiplatelet"),
            ("isotretinoin", "Isotretinoin"),
            ("supplement", "Supplement that thins the blood"),
            ("other", "Other"),
        ],
        string="Class",
        required=True,
        default="other",
        help="Anticoagulants, antiplatelets and blood-thinning supplements raise the bruising "
        "warning on her sessions.",
    )
    bruising_risk = fields.Boolean(compute="_compute_bruising_risk")
    active = fields.Boolean(default=True)


    def _compute_bruising_risk(self):
        for medicine in self:
            medicine.bruising_risk = medicine.medicine_class in BRUISING_CLASSES

    @api.model
    def _halley_codes(self):
        """The whole list, which typed text is matched against (a clinic's list is
        a few dozen entries)."""
        return self.search([], limit=None)  # pylint: disable=no-search-all
