"""``python -m annotarium`` is the ``annotarium`` command."""

import sys

from annotarium.cli import main

sys.exit(main())
