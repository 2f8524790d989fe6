"""One module per CLI command (or pair of commands); imported lazily by otelstack.cli."""
