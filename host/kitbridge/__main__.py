"""`python -m kitbridge` is the `kitbridge` command."""

import sys

from .cli import main

sys.exit(main())
