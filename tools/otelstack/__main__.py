from otelstack.cli import main

raise SystemExit(main())
