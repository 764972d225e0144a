"""``python -m wizard COMMAND``: the command line lives in ``wizard.cli``."""

import sys

from wizard.cli import main

if __name__ == "__main__":
    sys.exit(main())
