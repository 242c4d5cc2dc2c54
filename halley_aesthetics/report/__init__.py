from . import aftercare_pdf
from . import halley_treatment_record
