"""``python -m innovate_sim`` runs the command line."""

import sys

from innovate_sim.cli import main

sys.exit(main())
