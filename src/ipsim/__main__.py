"""``python -m ipsim``: the command line."""

import sys

from ipsim.cli import main

sys.exit(main())
