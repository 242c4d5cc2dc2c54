"""18.0.1.0.0 -> 18.0.1.1.0 (issue: roles, privacy, company walls).

1. Treatment consumption goes to each company's own production location (Odoo's
   "Virtual Locations/Production") instead of a second production location the
   addon created per company: Odoo and other apps expect one per company. The
   operation types are re-pointed; the old location is archived, its history kept
   (every done move still names it; a recall finds sessions by their operation
   type, not by location).
2. Screening answers offered as "Last time" came from any company: on sessions
   not started yet they are recomputed from the same company's sessions only.
3. Recall messages were posted in the patient's contact chatter, which every
   employee reads: each moves to its recall notice (clinic managers only).
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def _repoint_consumption(env):
    types = env["stock.picking.type"].with_context(active_test=False).search(
        [("is_treatment_consumption", "=", True)]
    )
    old_locations = env["stock.location"]
    for picking_type in types:
        production = picking_type.company_id._halley_production_location()
        old = picking_type.default_location_dest_id
        if not production or old == production:
            continue
        picking_type.default_location_dest_id = production
        returns = picking_type.return_picking_type_id
        if returns.default_location_src_id == old:
            returns.default_location_src_id = production
        old_locations |= old
    # Only the addon's own locations: production usage, named by the addon, not
    # any company's default production location.
    defaults = {
        company._halley_production_location().id for company in env["res.company"].search([])
    }
    old_locations = old_locations.filtered(lambda loc: loc.usage == "production" and loc.id not in defaults)
    if old_locations:
        old_locations.active = False
        _logger.info("Treatment consumption now goes to the production locations; archived %s", old_locations.ids)


def _recompute_previous_answers(cr):
    cr.execute(
        """
        UPDATE halley_session_screening line
           SET previous_answer = (
                SELECT prev.answer
                  FROM halley_session_screening prev
                  JOIN halley_treatment_session prev_session ON prev_session.id = prev.session_id
                 WHERE prev.question_id = line.question_id
                   AND prev.answer IS NOT NULL
                   AND prev.session_id != line.session_id
                   AND prev_session.patient_id = session.patient_id
                   AND prev_session.company_id = session.company_id
                   AND prev_session.state IN ('in_progress', 'done')
                 ORDER BY prev.id DESC
                 LIMIT 1)
          FROM halley_treatment_session session
         WHERE session.id = line.session_id
           AND session.state IN ('draft', 'confirmed')
        """
    )
    _logger.info("Previous screening answers recomputed per company on %s lines", cr.rowcount)


def _rehome_recall_messages(cr):
    cr.execute(
        """
        UPDATE mail_message message
           SET model = 'halley.recall.notice', res_id = notice.id
          FROM (SELECT DISTINCT ON (message_id) message_id, id
                  FROM halley_recall_notice
                 WHERE message_id IS NOT NULL
              ORDER BY message_id, id) notice
         WHERE message.id = notice.message_id
           AND message.model = 'res.partner'
        """
    )
    _logger.info("Recall messages moved from the patients' chatter to their notices: %s", cr.rowcount)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    _repoint_consumption(env)
    _recompute_previous_answers(cr)
    _rehome_recall_messages(cr)
