"""Entry point of ``python -m mmdemo``."""

import sys

from mmdemo.cli import main

sys.exit(main())
