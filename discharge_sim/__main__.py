"""``python -m discharge_sim``: the same as the ``discharge-sim`` command."""

import sys

from .cli import main

sys.exit(main())
