"""18.0.1.4.0 -> 18.0.1.5.0 (coded allergies): a chart's allergies and medicines
are coded entries of the clinic's lists (halley.allergen, halley.medicine); the
*Fish or salmon allergy* and *On anticoagulants* flags follow from them.

Each chart's flags, as ticked before the upgrade, become coded entries: a fish or
salmon allergy codes the salmon / fish DNA allergen; anticoagulants code the
blood-thinning medicines named in her medication text (warfarin, aspirin, ...),
else an unspecified anticoagulant. The free text is matched against the lists too,
and kept as it was: nothing is lost, and what the text names that the lists do not
shows on her chart and sessions as *not coded*.
"""

from odoo import SUPERUSER_ID, Command, api

BRUISING_CLASSES = ("anticoagulant", "antiplatelet", "supplement")


def migrate(cr, version):
    if not version:
        return
    cr.execute("SELECT id, salmon_allergy, anticoagulant FROM halley_patient_chart ORDER BY id")
    flags = {chart_id: (bool(salmon), bool(anticoagulant)) for chart_id, salmon, anticoagulant in cr.fetchall()}
    if not flags:
        return
    env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True, "active_test": False})
    Chart = env["halley.patient.chart"]
    fish = env["halley.allergen"].search([("screening_key", "=", "salmon_allergy")], limit=1)
    for chart in Chart.browse(list(flags)):
        salmon, anticoagulant = flags[chart.id]
        coded = chart._code_typed_vals({"allergies": chart.allergies, "medication": chart.medication})
        allergens = env["halley.allergen"].browse([c[1] for c in coded.get("allergen_ids", [])])
        medicines = env["halley.medicine"].browse([c[1] for c in coded.get("medicine_ids", [])])
        if salmon and not allergens.filtered(lambda a: a.screening_key == "salmon_allergy"):
            allergens |= fish
        if anticoagulant and not medicines.filtered(lambda m: m.medicine_class in BRUISING_CLASSES):
            medicines |= chart._unspecified_anticoagulant()
        vals = {}
        if allergens:
            vals["allergen_ids"] = [Command.link(a.id) for a in allergens]
        if medicines:
            vals["medicine_ids"] = [Command.link(m.id) for m in medicines]
        if vals:
            chart.write(vals)
    # The flags from the coded entries, for every chart (those without entries too).
    charts = Chart.browse(list(flags))
    env.add_to_compute(Chart._fields["salmon_allergy"], charts)
    env.add_to_compute(Chart._fields["anticoagulant"], charts)
    charts.flush_recordset()
