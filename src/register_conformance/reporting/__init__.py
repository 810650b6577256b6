"""Results and reports of a conformance run.

Two halves. Inside each pytest process, ``collector`` (a pytest plugin) records every test's outcome,
its requirement ids, the failure the plugin's report hook read (requirement, exchange) and the
HTTP traffic, and writes one results file. In the
``register-conformance run`` process, ``summary`` merges those files into ``summary.json`` (the
source of truth, format in ``summary.schema.json``) and ``html`` renders ``report.html`` from it.

Module map: ``outcomes`` (roll-up), ``problems`` (failures grouped by root cause), ``compare`` (run to
run), ``traffic`` (request recording, path templates), ``collector`` (child plugin), ``baseline``,
``summary``, ``html``, ``junit`` (merge), ``scrub`` (token sweep), ``progress`` (live display),
``execute`` (one pytest subprocess).
"""

from __future__ import annotations

from pathlib import Path

#: Version of the summary.json format (see ``summary.schema.json``).
FORMAT_VERSION = "1.1"
SCHEMA_PATH = Path(__file__).with_name("summary.schema.json")
