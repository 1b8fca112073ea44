"""``python -m costmodel`` runs the ``mobilenet-cost`` command line."""

import sys

from costmodel.cli import main

sys.exit(main())
