from . import aftercare_pdf
