"""Real PDFs, rendered by the server that makes them: wkhtmltopdf (the patched build
scripts/setup.sh installs) fetches the report's styles from this server's own port,
never from web.base.url's, so the sheet carries the clinic's header and footer
(Odoo's external layout) and a text layer."""

import shutil
import subprocess

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import config
from odoo.tools.misc import find_in_path

from ..models.ir_actions_report import own_http_url
from .common import NOW
from .test_chinese import REPORT, ChineseClinicCase

# A port where nothing listens (the discard port): a browser's address that is not
# this server's, as web.base.url is on a machine running several Odoo servers.
ANOTHER_SERVER = "http://127.0.0.1:9"


def wkhtmltopdf_is_patched():
    """The wkhtmltopdf Odoo runs (its own lookup: PATH, then bin_path)."""
    try:
        binary = find_in_path("wkhtmltopdf")
    except OSError:
        return False
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=False).stdout
    return "with patched qt" in version


@freeze_time(NOW)
@tagged("post_install", "-at_install")
class TestReportPdf(ChineseClinicCase, HttpCase):
    def setUp(self):
        super().setUp()
        ICP = self.env["ir.config_parameter"].sudo()
        ICP.set_param("web.base.url", ANOTHER_SERVER)
        ICP.set_param("report.url", False)

    def test_reports_fetch_their_assets_from_this_server(self):
        Report = self.env["ir.actions.report"]
        self.assertEqual(own_http_url(), f"http://127.0.0.1:{config['http_port']}")
        self.assertEqual(Report._get_report_url(), self.base_url(), "this server's port, not web.base.url's")
        # An administrator's report.url (Odoo's own setting) is kept as she set it.
        self.env["ir.config_parameter"].sudo().set_param("report.url", "http://odoo.internal:8069")
        self.assertEqual(Report._get_report_url(), "http://odoo.internal:8069")

    def test_aftercare_pdf_has_the_clinic_layout_and_a_text_layer(self):
        """The English patient's sheet as a PDF, read back as text: the external
        layout's header (the clinic's address: Debian's unpatched build drops it),
        the clinic's name and phone, the lots. The footer's page numbers are read
        from a PDF of a running server in tests/test_pdf_server.py."""
        self.assertTrue(
            wkhtmltopdf_is_patched(),
            "wkhtmltopdf on PATH must be the patched build (0.12.x with patched qt): run scripts/setup.sh",
        )
        self.assertTrue(shutil.which("pdftotext"), "pdftotext (poppler-utils): run scripts/setup.sh")
        self.company.partner_id.write({"street": "391 Orchard Road", "zip": "238874"})
        session = self._done(self.patient)
        lots = session.used_line_ids.lot_id.mapped("name")
        self.assertTrue(lots, "the session consumed lots")
        Report = self.env["ir.actions.report"].with_user(self.practitioner).with_context(force_report_rendering=True)
        content, kind = Report._render_qweb_pdf(REPORT, session.ids)
        self.assertEqual(kind, "pdf")
        text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True,
                              check=True).stdout.decode()
        self.assertIn("391 Orchard Road", text, "the header (external layout)")
        self.assertIn(self.company.name, text)
        self.assertIn("+65 6123 4567", text, "the clinic's phone")
        for lot in lots:
            self.assertIn(lot, text)
