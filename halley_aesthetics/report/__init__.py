from . import halley_aftercare
from . import halley_treatment_record
