from . import halley_aftercare
from . import halley_treatment_record
from . import halley_consent
from . import halley_counter_close
