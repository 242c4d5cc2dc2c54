from odoo import api, fields, models


class HalleyAllergen(models.Model):
    """An allergen the clinic codes on patients' charts and on the products its
    protocols use (salmon DNA in Rejuran, lidocaine in the numbing cream). Kept by
    the clinic managers (Clinic > Configuration > Allergens), shared by every
    clinic of the database, like the screening questions: the words that name it
    do not depend on the clinic."""

    _name = "halley.allergen"
    _description = "Allergen"
    _order = "name, id"

    name = fields.Char(required=True, translate=True)
    synonyms = fields.Text(
        help="Other words that name it in a chart, separated by commas or lines: the substance, "
        "its family, brand names (salmon, fish, PDRN). Matched as whole words, in any case.",
    )
    screening_key = fields.Selection(
        [("salmon_allergy", "Fish or salmon allergy")],
        string="Answers in screening",
        help="A patient allergic to it answers yes to the screening questions answered from "
        "the chart with this key.",
    )
    active = fields.Boolean(default=True)


    @api.model
    def _halley_codes(self):
        """The whole list, which typed text is matched against (a clinic's list is
        a few dozen entries)."""
        return self.search([], limit=None)  # pylint: disable=no-search-all
