from urbis.cli import main

raise SystemExit(main())
