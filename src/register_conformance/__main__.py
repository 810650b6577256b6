"""``python -m register_conformance …``: the same as the ``register-conformance`` command."""

import sys

from register_conformance.cli import main

sys.exit(main())
