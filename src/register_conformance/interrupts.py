"""Ctrl-C pressed twice: the first stops the run, the ones after it must not lose what ran."""

from __future__ import annotations

import signal
import threading


def ignore_further_interrupts() -> None:
    """From now on SIGINT is ignored (in the main thread, where Python's handler lives).

    Called once a run has been stopped by Ctrl-C and is writing what ran: a second key press — or the
    same signal reaching a child process twice — would otherwise cut that writing short. The processes
    still end: the run command stops its pytest child after a bounded grace, then exits with 130.
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)
