"""``python -m discharge_sim``: the same as the ``discharge-sim`` command."""

import sys

from discharge_sim.cli import main

sys.exit(main())
