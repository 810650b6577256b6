"""Run the app with uvicorn (httptools, uvloop) and print the listening line once it accepts requests."""

from __future__ import annotations

import contextlib
import gc
import signal
import socket
import sys
from collections.abc import Generator

import uvicorn

from register_sandbox.app import create_app
from register_sandbox.config import SandboxConfig


class _Server(uvicorn.Server):
    """uvicorn server that prints the listening line and exits 0 on SIGINT/SIGTERM."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            sys.stdout.write(f"register-sandbox listening on {self.url}\n")
            sys.stdout.flush()

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        previous = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket (``port`` 0 picks a free one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def serve(config: SandboxConfig) -> int:
    """Serve until interrupted; returns the exit code."""
    app = create_app(config)
    sock = bind(config.host, config.port)
    gc.collect()
    gc.freeze()  # start-up objects never need scanning again: shorter GC pauses under load
    port = sock.getsockname()[1]
    shown_host = f"[{config.host}]" if ":" in config.host else config.host
    uv_config = uvicorn.Config(
        app, http="httptools", loop="uvloop", lifespan="off", access_log=False, log_level="warning",
        server_header=False, date_header=False, backlog=2048,
        # Clients pause between steps (a TRN wait, a Retry-After) for longer than uvicorn's 5 s default; a
        # keep-alive connection closed by the server just as a client reuses it shows up there as a ReadError.
        timeout_keep_alive=75,
    )
    server = _Server(uv_config, f"http://{shown_host}:{port}")
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        app.state.sandbox.store.close()
    return 0
