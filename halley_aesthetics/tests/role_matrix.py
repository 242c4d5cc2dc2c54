"""Who may do what: the role matrix docs/roles_and_privacy.md shows, as data.

Read by the role-matrix test (test_role_matrix.py), which checks every cell as
that role, and by the static check of docs/roles_and_privacy.md (tests/test_static.py), which
checks that that table is exactly this one. Pure data: no Odoo import.

Letters: r read, w write, c create, u unlink (delete); "" nothing.
"""

ROLES = ("billing", "practitioner", "manager", "internal", "portal")
ROLE_LABELS = {
    "billing": "Billing",
    "practitioner": "Practitioner",
    "manager": "Clinic Manager",
    "internal": "Internal user, no clinic group",
    "portal": "Portal user",
}


def _row(billing="", practitioner="", manager="", internal="", portal=""):
    return {
        "billing": billing,
        "practitioner": practitioner,
        "manager": manager,
        "internal": internal,
        "portal": portal,
    }


# Every model of the addon: access rights and record rules, checked on a record of
# the user's own company.
MODELS = {
    # Portal user: the patient herself, her own sessions and packages only (record
    # rules on her contact); their clinical fields stay refused (below).
    "halley.treatment.session": _row(billing="r", practitioner="rwcu", manager="rwcu", portal="r"),
    "halley.session.screening": _row(practitioner="rwc", manager="rwcu"),
    "halley.session.consent": _row(practitioner="rwc", manager="rwcu"),
    "halley.session.addendum": _row(practitioner="rc", manager="rc"),
    # Protocol set-up, not a patient's answers: every employee may read it (a copied
    # BoM copies its questions).
    "halley.screening.question": _row(billing="r", practitioner="r", manager="rwcu", internal="r"),
    "halley.patient.package": _row(billing="r", practitioner="r", manager="rw", portal="r"),
    "halley.patient.package.line": _row(billing="r", practitioner="r", manager="r"),
    "halley.package.template.line": _row(
        billing="r", practitioner="r", manager="rwcu", internal="r"
    ),
    "halley.package.ledger": _row(billing="r", manager="r"),
    "halley.recall.notice": _row(manager="r"),
    "halley.patient.access.log": _row(manager="r"),
    # Her clinical chart: clinicians only (billing needs none of it); kept, never deleted.
    "halley.patient.chart": _row(practitioner="rwc", manager="rwc"),
    # The lists her chart is coded from, kept by the managers; every employee reads the
    # allergens (products list those they contain), clinicians the medicines.
    "halley.allergen": _row(billing="r", practitioner="r", manager="rwcu", internal="r"),
    "halley.medicine": _row(practitioner="r", manager="rwcu"),
    # SQL view: the patients who received a recalled lot.
    "halley.lot.recall.patient": _row(manager="r"),
    # SQL view: what the sessions consumed, at its stock valuation (cost per protocol).
    "halley.consumption.cost": _row(manager="r"),
    # Clinic > Overview (abstract: no records, one method); each role reads its sections.
    "halley.clinic.overview": _row(billing="r", practitioner="r", manager="r"),
    # Clinical photos: clinicians only; deleting one is refused once its session is done.
    "halley.session.photo": _row(practitioner="rwcu", manager="rwcu"),
    # The injection chart: clinicians only; its zones and the protocols' default
    # charts are set up by the managers. An entry of a done session is kept
    # (refused in words), which the access rights do not show.
    "halley.session.injection": _row(practitioner="rwcu", manager="rwcu"),
    "halley.protocol.injection": _row(practitioner="r", manager="rwcu"),
    "halley.chart.zone": _row(practitioner="r", manager="rwcu"),
    # Wizards (transient): each user only ever sees her own.
    "halley.session.deviation": _row(practitioner="rwcu", manager="rwcu"),
    "halley.consent.sign": _row(practitioner="rwcu", manager="rwcu"),
    "halley.package.liability": _row(billing="rwcu", manager="rwcu"),
    "halley.expired.scrap": _row(manager="rwcu"),
    "halley.lot.recall": _row(manager="rwcu"),
    "halley.photo.comparison": _row(practitioner="rwcu", manager="rwcu"),
    "halley.component.replacement": _row(practitioner="rwcu", manager="rwcu"),
    # Cancel a course and refund it: billing and the manager, never practitioners.
    "halley.package.cancel": _row(billing="rwcu", manager="rwcu"),
}

# Clinical fields: r = read, search and group on it; w = write. Billing sees what
# invoicing needs (patient, treatment, date, price, package), never these.
CLINICAL_FIELDS = {
    ("halley.treatment.session", "notes"): _row(practitioner="rw", manager="rw"),
    ("halley.treatment.session", "deviation_reason"): _row(practitioner="rw", manager="rw"),
    ("halley.treatment.session", "screening_ids"): _row(practitioner="r", manager="r"),
    ("halley.treatment.session", "consent_ids"): _row(practitioner="r", manager="r"),
    ("halley.treatment.session", "has_procedure_consent"): _row(practitioner="r", manager="r"),
    ("halley.treatment.session", "interval_override_reason"): _row(manager="rw"),
    ("halley.treatment.session", "chart_medical_alerts"): _row(practitioner="r", manager="r"),
    ("halley.treatment.session", "photo_ids"): _row(practitioner="r", manager="r"),
    ("halley.treatment.session", "injection_ids"): _row(practitioner="r", manager="r"),
    ("res.partner", "halley_marketing_photo_consent"): _row(practitioner="r", manager="r"),
    ("res.partner", "halley_record_photo_consent"): _row(practitioner="r", manager="r"),
    ("res.partner", "halley_access_log_ids"): _row(manager="r"),
}

# Documents served by URL: r = the user gets it.
DOCUMENTS = {
    "Treatment record, /report/html/... and /report/pdf/...": _row(practitioner="r", manager="r"),
    "Aftercare sheet, /report/html/... and /report/pdf/...": _row(practitioner="r", manager="r"),
    "Files attached to a session (aftercare sheet), /web/content/...": _row(practitioner="r", manager="r"),
    "Clinical photo, /web/content/... and /web/image/...": _row(practitioner="r", manager="r"),
    "Patient data export (ZIP), /halley/patient/<id>/export": _row(manager="r"),
    # The patient portal: her own done session's sheet, checked by its controller
    # (everyone else, clinicians included, gets a 404: they print it from the session).
    "Aftercare sheet in the patient portal, /my/treatments/<id>/aftercare": _row(portal="r"),
}


def markdown_table():
    """The matrix as docs/roles_and_privacy.md shows it."""
    header = "| Model, field or document | " + " | ".join(ROLE_LABELS[r] for r in ROLES) + " |"
    rule = "|---|" + "---|" * len(ROLES)
    lines = [header, rule]

    def cells(row):
        return " | ".join(row[r] or "-" for r in ROLES)

    for model, row in MODELS.items():
        lines.append(f"| `{model}` | {cells(row)} |")
    for (model, field), row in CLINICAL_FIELDS.items():
        lines.append(f"| `{model}.{field}` | {cells(row)} |")
    for document, row in DOCUMENTS.items():
        lines.append(f"| {document} | {cells(row)} |")
    return "\n".join(lines)
