from . import test_treatment_session
from . import test_security
from . import test_performance
from . import test_ui
from . import test_demo_clinic
from . import test_package
from . import test_billing
from . import test_ui_billing
