from . import halley_session_deviation
from . import stock_return_picking
