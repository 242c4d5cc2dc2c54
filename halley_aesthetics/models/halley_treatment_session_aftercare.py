from odoo import fields, models

from ..report.aftercare_pdf import render_aftercare_pdf


class HalleyTreatmentSession(models.Model):
    """Aftercare: the patient's aftercare sheet, attached to the completed session
    and emailed to her."""

    _inherit = "halley.treatment.session"  # pylint: disable=consider-merging-classes-inherited

    aftercare_attachment_id = fields.Many2one(
        "ir.attachment", string="Aftercare sheet", copy=False, readonly=True
    )

    def _attach_and_send_aftercare(self):
        """Attach the aftercare sheet (PDF) to the session and email it to the
        patient; Odoo sends the email once the transaction is committed."""
        self.ensure_one()
        content = render_aftercare_pdf(self)
        attachment = self.env["ir.attachment"].sudo().create(
            {
                "name": self.env._("Aftercare %(session)s.pdf", session=self.name.replace("/", "-")),
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self.sudo().aftercare_attachment_id = attachment
        patient = self.patient_id
        template = self.env.ref("halley_aesthetics.mail_template_halley_aftercare").sudo()
        if not patient.email:
            self._message_log(
                body=self.env._(
                    "%(patient)s has no email address: give her the printed aftercare sheet.",
                    patient=patient.display_name,
                ),
                attachment_ids=attachment.ids,
            )
            return
        self.sudo().message_post(
            body=template._render_field("body_html", self.ids, compute_lang=True)[self.id],
            subject=template._render_field("subject", self.ids, compute_lang=True)[self.id],
            partner_ids=patient.ids,
            attachment_ids=attachment.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            email_layout_xmlid="mail.mail_notification_light",
        )

    # ------------------------------------------------------------------ workflow

    def _halley_workflow_fields(self):
        return super()._halley_workflow_fields() | {"aftercare_attachment_id"}

    def _action_done(self):
        res = super()._action_done()
        for session in self:
            session._attach_and_send_aftercare()
        return res
