"""HTTP routes. Each module exposes ``ROUTES: list[starlette.routing.Route]``."""
