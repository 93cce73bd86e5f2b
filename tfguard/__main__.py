import sys

from tfguard.cli import main

sys.exit(main())
