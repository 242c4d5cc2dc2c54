import ipaddress

from odoo import api, models
from odoo.service import server as odoo_server
from odoo.tools import config


def own_http_url():
    """The address of the HTTP server of this Odoo process (its own port), or None
    when this process serves no HTTP (an install or upgrade with --stop-after-init,
    a shell, --no-http).

    wkhtmltopdf fetches a report's styles and fonts from the URL it is given: the
    server that renders a PDF must give its own, never web.base.url's port (a user's
    browser address: another server's, or nobody's, on a machine running several)."""
    srv = odoo_server.server
    if isinstance(srv, odoo_server.ThreadedServer):
        # Threaded: the HTTP thread runs when the server serves (tests included).
        if not srv.httpd:
            return None
        port = srv.httpd.server_address[1]
    elif isinstance(srv, odoo_server.PreforkServer):
        # Prefork: the master listens on http_port for every worker, the cron
        # workers included (they render the mailed PDFs).
        if not config["http_enable"]:
            return None
        port = config["http_port"]
    elif isinstance(srv, odoo_server.GeventServer):
        port = config["gevent_port"]
    else:
        return None
    host = config["http_interface"] or "127.0.0.1"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"http://{host}:{port}"
    if address.is_unspecified:
        address = ipaddress.ip_address("::1" if address.version == 6 else "127.0.0.1")
    return f"http://[{address}]:{port}" if address.version == 6 else f"http://{address}:{port}"


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    @api.model
    def _get_report_url(self, layout=None):
        """The URL wkhtmltopdf fetches a report's assets from: the `report.url`
        system parameter when an administrator set one (Odoo's own setting), else
        this server's own address, else Odoo's default (web.base.url)."""
        if self.env["ir.config_parameter"].sudo().get_param("report.url"):
            return super()._get_report_url(layout=layout)
        return own_http_url() or super()._get_report_url(layout=layout)
