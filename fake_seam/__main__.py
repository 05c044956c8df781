from fake_seam.cli import main

raise SystemExit(main())
