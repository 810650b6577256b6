"""``python -m register_sandbox``: the sandbox's command line."""

import sys

def main() -> int:
    sys.stderr.write("register-conformance sandbox: not implemented yet\n")
    return 2


if __name__ == "__main__":
    sys.exit(main())
