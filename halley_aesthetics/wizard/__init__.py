from . import halley_session_deviation
from . import halley_consent_sign
from . import halley_package_liability
from . import halley_expired_scrap
from . import halley_lot_recall
from . import stock_return_picking
from . import base_partner_merge_automatic_wizard
