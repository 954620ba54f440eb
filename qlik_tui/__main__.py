"""`python -m qlik_tui` runs the same entry point as the `qlik-tui` script."""

import sys

from .cli import main

sys.exit(main())
