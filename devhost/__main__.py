"""`python -m devhost ...`: the devhost command line."""

from devhost.cli import main

raise SystemExit(main())
