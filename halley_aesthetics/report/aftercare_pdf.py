"""The aftercare sheet attached to a completed session, as a PDF.

Built with ReportLab (one of Odoo's own requirements) rather than through
wkhtmltopdf: completing a session must never depend on an external program, nor
on the server reaching itself over HTTP to fetch its stylesheets.
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from odoo import fields
from odoo.tools import format_date, html2plaintext


def render_aftercare_pdf(session):
    """Return the PDF bytes of ``session``'s aftercare sheet."""
    env = session.env
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=env._("Aftercare %(session)s", session=session.name),
        author=session.company_id.name,
    )
    when = format_date(env, fields.Datetime.context_timestamp(session, session.scheduled_start))
    story = [
        Paragraph(escape(session.company_id.name or ""), styles["Normal"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(env._("Aftercare after your treatment")), styles["Title"]),
        Paragraph(
            escape(
                env._(
                    "%(patient)s: %(treatment)s on %(date)s with %(practitioner)s (%(session)s).",
                    patient=session.patient_id.name,
                    treatment=session.protocol_id.display_name,
                    date=when,
                    practitioner=session.practitioner_id.name or "",
                    session=session.name,
                )
            ),
            styles["Normal"],
        ),
        Spacer(1, 5 * mm),
    ]
    instructions = html2plaintext(session.protocol_id.aftercare_instructions or "")
    for paragraph in [p.strip() for p in instructions.split("\n") if p.strip()]:
        story.append(Paragraph(escape(paragraph.replace("*", "")), styles["BodyText"]))
    story += [Spacer(1, 5 * mm), Paragraph(escape(env._("Products used in your treatment")), styles["Heading3"])]
    rows = [[env._("Product"), env._("Lot"), env._("Expiry"), env._("Quantity")]]
    for line in session.sudo().used_line_ids:
        rows.append(
            [
                Paragraph(escape(line.product_id.name), styles["BodyText"]),
                line.lot_id.name or "-",
                format_date(env, line.lot_id.expiration_date) if line.lot_id.expiration_date else "",
                f"{line.quantity:g} {line.product_uom_id.name}",
            ]
        )
    table = Table(rows, colWidths=[80 * mm, 35 * mm, 30 * mm, 29 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    if session.followup_session_id:
        story += [
            Spacer(1, 5 * mm),
            Paragraph(
                escape(
                    env._(
                        "Your next session: %(date)s.",
                        date=format_date(
                            env, fields.Datetime.context_timestamp(session, session.followup_session_id.scheduled_start)
                        ),
                    )
                ),
                styles["BodyText"],
            ),
        ]
    story += [Spacer(1, 5 * mm), Paragraph(escape(env._("If anything worries you, call the clinic.")), styles["BodyText"])]
    doc.build(story)
    return buffer.getvalue()
