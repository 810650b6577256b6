"""One module per ``register-conformance`` subcommand: ``add_arguments(parser)`` and ``main(args)``."""
