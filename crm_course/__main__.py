"""``python -m crm_course`` is ``crm-course``."""

import sys

from crm_course.cli import main

sys.exit(main())
