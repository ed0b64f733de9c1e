"""python -m cleaner: the same as the `cleaner` command."""

from cleaner.cli.main import main

raise SystemExit(main())
