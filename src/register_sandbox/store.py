"""Persistence: one SQLite file (WAL) behind a small API, so a server database could replace it.

All methods are synchronous and short; the ASGI handlers call them directly (no thread pool).
One connection guarded by a re-entrant lock; every write is a transaction, so concurrent requests
never lose updates. Rows carry a JSON ``data`` dict (see /work/notes/sandbox-interfaces.md §4).

The asynchronous edges (TRN received, award) are stored as due times and applied lazily by
``apply_due`` before every read, so they survive restarts and are deterministic under a fake clock.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import string
import threading
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from register_sandbox.defects import is_active
from register_sandbox.lifecycle import state_machine
from register_sandbox.timefmt import cycle_start_year, midnight_ms, ts_ms

SLUG_ALPHABET = string.ascii_lowercase + string.digits

SCHEMA = """
CREATE TABLE IF NOT EXISTS providers (
    pk INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, ukprn TEXT NOT NULL,
    discarded INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS tokens (
    pk INTEGER PRIMARY KEY, provider_pk INTEGER NOT NULL REFERENCES providers(pk),
    token_hash TEXT NOT NULL UNIQUE, status TEXT NOT NULL DEFAULT 'active', expires_at TEXT,
    last_used_at TEXT);
CREATE TABLE IF NOT EXISTS trainees (
    pk INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, provider_pk INTEGER NOT NULL,
    state TEXT NOT NULL, trn TEXT, start_cycle INTEGER, itt_start_date TEXT,
    date_of_birth TEXT, last_name TEXT, training_route TEXT, discarded INTEGER NOT NULL DEFAULT 0,
    data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    rev INTEGER NOT NULL DEFAULT 0, trn_due_at REAL, award_due_at REAL, next_due_at REAL);
-- Covering index for GET /trainees: filters, COUNT(*) and the ORDER BY never touch the table.
CREATE INDEX IF NOT EXISTS trainees_listing ON trainees
    (provider_pk, start_cycle, updated_at, state, discarded, trn, itt_start_date, rev);
CREATE INDEX IF NOT EXISTS trainees_dupes ON trainees (provider_pk, date_of_birth);
CREATE INDEX IF NOT EXISTS trainees_due ON trainees (next_due_at) WHERE next_due_at IS NOT NULL;
-- Child tables. The lifecycle helper may add columns here (tell the sandbox owner).
CREATE TABLE IF NOT EXISTS degrees (
    pk INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, trainee_pk INTEGER NOT NULL,
    data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS degrees_trainee ON degrees (trainee_pk);
CREATE TABLE IF NOT EXISTS placements (
    pk INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, trainee_pk INTEGER NOT NULL,
    data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS placements_trainee ON placements (trainee_pk);
CREATE TABLE IF NOT EXISTS withdrawals (
    pk INTEGER PRIMARY KEY, slug TEXT NOT NULL UNIQUE, trainee_pk INTEGER NOT NULL,
    data TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    discarded INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS withdrawals_trainee ON withdrawals (trainee_pk);
"""

#: The WHERE clause lets SQLite use the partial index (a bare MIN() would scan the table).
NEXT_DUE_SQL = "SELECT MIN(next_due_at) FROM trainees WHERE next_due_at IS NOT NULL"

TRAINEE_COLUMNS = (
    "pk, slug, provider_pk, state, trn, data, created_at, updated_at, rev, discarded"
)


@dataclass
class Provider:
    """An organisation owning tokens and trainees."""

    pk: int
    name: str
    ukprn: str


@dataclass
class TraineeRow:
    """A stored trainee. ``data`` uses v2026.1 response names, output-ready values."""

    pk: int
    slug: str
    provider_pk: int
    state: str
    trn: str | None
    data: dict[str, Any]
    created_at: str
    updated_at: str
    rev: int = 0
    discarded: bool = False


@dataclass
class ChildRow:
    """A degree, placement or withdrawal."""

    pk: int
    slug: str
    trainee_pk: int
    data: dict[str, Any]
    created_at: str
    updated_at: str
    extra: dict[str, Any] = field(default_factory=dict)


def new_slug() -> str:
    """A 24-character lower-case alphanumeric id (one urandom call, rejection-sampled: unbiased)."""
    chars: list[str] = []
    while len(chars) < 24:
        chars.extend(SLUG_ALPHABET[b % 36] for b in secrets.token_bytes(32) if b < 252)
    return "".join(chars[:24])


def ukprn_for(name: str) -> str:
    """A stable 8-digit UKPRN derived from a provider name."""
    return str(10_000_000 + zlib.crc32(name.encode("utf-8")) % 90_000_000)


def _start_cycle(data: dict[str, Any]) -> int | None:
    for key in ("trainee_start_date", "itt_start_date"):
        value = data.get(key)
        if isinstance(value, str) and len(value) == 10:
            try:
                return cycle_start_year(date.fromisoformat(value))
            except ValueError:
                continue
    return None


class Store:
    """The sandbox's database."""

    def __init__(self, path: str, clock: Callable[[], datetime], trn_delay: float = 2.0,
                 award_delay: float | None = None) -> None:
        self.path = path
        self.clock = clock
        self.trn_delay = trn_delay
        self.award_delay = award_delay
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None,
                                     cached_statements=256)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=5000")
        self._conn.executescript(SCHEMA)
        if is_active("persist-lost-on-restart"):  # defect: trainees live in a connection-local TEMP table
            self._conn.execute(next(s for s in SCHEMA.split(";") if "EXISTS trainees (" in s)
                               .replace("CREATE TABLE IF NOT EXISTS", "CREATE TEMP TABLE"))
        self._next_due: float | None = None
        self._refresh_next_due()

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    # --- transactions --------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction; nested uses join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            else:
                self._conn.execute("COMMIT")
            finally:
                self._depth = 0

    def _now_ms(self) -> str:
        return ts_ms(self.clock())

    # --- providers and tokens ------------------------------------------------------------------

    def seed_provider(self, name: str, discarded: bool = False) -> Provider:
        """Create (or find) a provider by name."""
        with self.transaction():
            row = self._conn.execute("SELECT pk, name, ukprn FROM providers WHERE name=?", (name,)).fetchone()
            if row is None:
                cur = self._conn.execute(
                    "INSERT INTO providers (name, ukprn, discarded) VALUES (?,?,?)",
                    (name, ukprn_for(name), int(discarded)))
                return Provider(cur.lastrowid or 0, name, ukprn_for(name))
            self._conn.execute("UPDATE providers SET discarded=? WHERE pk=?", (int(discarded), row[0]))
            return Provider(*row)

    def seed_token(self, provider: Provider, token_hash: str, status: str, expires_at: str | None) -> None:
        """Create or replace a token (by hash)."""
        with self.transaction():
            self._conn.execute(
                "INSERT INTO tokens (provider_pk, token_hash, status, expires_at) VALUES (?,?,?,?) "
                "ON CONFLICT(token_hash) DO UPDATE SET provider_pk=excluded.provider_pk, "
                "status=excluded.status, expires_at=excluded.expires_at",
                (provider.pk, token_hash, status, expires_at))

    def revoke_tokens_except(self, token_hashes: list[str]) -> None:
        """Revoke every stored token not in ``token_hashes`` (the configured set is authoritative)."""
        marks = ",".join("?" * len(token_hashes)) or "''"
        with self.transaction():
            self._conn.execute(f"UPDATE tokens SET status='revoked' WHERE token_hash NOT IN ({marks})", token_hashes)

    def token_lookup(self, token_hash: str) -> tuple[Provider, str, str | None, bool, int] | None:
        """``(provider, status, expires_at, provider_discarded, token_pk)`` for a token hash."""
        with self._lock:
            row = self._conn.execute(
                "SELECT p.pk, p.name, p.ukprn, t.status, t.expires_at, p.discarded, t.pk "
                "FROM tokens t JOIN providers p ON p.pk = t.provider_pk WHERE t.token_hash=?",
                (token_hash,)).fetchone()
        if row is None:
            return None
        return Provider(row[0], row[1], row[2]), row[3], row[4], bool(row[5]), row[6]

    def mark_token_used(self, token_pk: int, day: str) -> None:
        """Set ``last_used_at`` at most once per day."""
        with self._lock:
            self._conn.execute(
                "UPDATE tokens SET last_used_at=? WHERE pk=? AND (last_used_at IS NULL OR last_used_at<?)",
                (day, token_pk, day))

    # --- trainees ------------------------------------------------------------------------------

    @staticmethod
    def _trainee(row: tuple[Any, ...]) -> TraineeRow:
        return TraineeRow(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), row[6], row[7],
                          row[8], bool(row[9]))

    def get_trainee(self, provider_pk: int, slug: str) -> TraineeRow | None:
        """The provider's trainee by slug (case-insensitive), async edges applied first."""
        self.apply_due()
        scope = "(provider_pk=? OR 1)" if is_active("iso-cross-provider-write") else "provider_pk=?"
        with self._lock:
            row = self._conn.execute(
                f"SELECT {TRAINEE_COLUMNS} FROM trainees WHERE slug=? AND {scope}",
                (slug.lower(), provider_pk)).fetchone()
        return self._trainee(row) if row else None

    def trainee_key(self, provider_pk: int, slug: str) -> tuple[int, int] | None:
        """``(pk, rev)`` of the provider's trainee (async edges applied first), for cached reads."""
        self.apply_due()
        scope = "(provider_pk=? OR 1)" if is_active("iso-cross-provider-read") else "provider_pk=?"
        with self._lock:
            row = self._conn.execute(f"SELECT pk, rev FROM trainees WHERE slug=? AND {scope}",
                                     (slug.lower(), provider_pk)).fetchone()
        return (row[0], row[1]) if row else None

    def get_trainee_by_pk(self, pk: int) -> TraineeRow | None:
        """A trainee by internal id."""
        with self._lock:
            row = self._conn.execute(f"SELECT {TRAINEE_COLUMNS} FROM trainees WHERE pk=?", (pk,)).fetchone()
        return self._trainee(row) if row else None

    def insert_trainee(self, provider_pk: int, state: str, data: dict[str, Any]) -> TraineeRow:
        """Create a trainee; arms the TRN edge when ``state`` is ``submitted_for_trn``."""
        now = self.clock()
        stamp = ts_ms(now)
        slug = new_slug()
        trn_due = now.timestamp() + self.trn_delay if state == "submitted_for_trn" else None
        with self.transaction():
            cur = self._conn.execute(
                "INSERT INTO trainees (slug, provider_pk, state, trn, start_cycle, itt_start_date, "
                "date_of_birth, last_name, training_route, data, created_at, updated_at, rev, "
                "trn_due_at, next_due_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,1,?,?)",
                (slug, provider_pk, state, None, _start_cycle(data), data.get("itt_start_date"),
                 data.get("date_of_birth"), data.get("last_name"), data.get("training_route"),
                 json.dumps(data), stamp, stamp, trn_due, trn_due))
            self._note_due(trn_due)
        return TraineeRow(cur.lastrowid or 0, slug, provider_pk, state, None, data, stamp, stamp, 1)

    def save_trainee(self, row: TraineeRow, touch: bool = True) -> TraineeRow:
        """Write ``state``, ``trn`` and ``data``; bump ``updated_at`` when ``touch``; always bump ``rev``."""
        lost = is_active("persist-update-not-committed")  # defect: the write is rolled back afterwards
        with self.transaction():
            if lost:
                self._conn.execute("SAVEPOINT lost_write")
            if touch:
                row.updated_at = self._now_ms()
            row.rev += 1
            self._conn.execute(
                "UPDATE trainees SET state=?, trn=?, start_cycle=?, itt_start_date=?, date_of_birth=?, "
                "last_name=?, training_route=?, data=?, updated_at=?, rev=rev+1 WHERE pk=?",
                (row.state, row.trn, _start_cycle(row.data), row.data.get("itt_start_date"),
                 row.data.get("date_of_birth"), row.data.get("last_name"), row.data.get("training_route"),
                 json.dumps(row.data), row.updated_at, row.pk))
            if lost:
                self._conn.execute("ROLLBACK TO lost_write")
        return row

    def set_state(self, row: TraineeRow, new_state: str, **data_updates: Any) -> TraineeRow:
        """Change state (and some ``data`` keys) and save with a touch."""
        row.state = new_state
        row.data.update(data_updates)
        return self.save_trainee(row)

    def touch_trainee(self, trainee_pk: int, bump_updated_at: bool = True, stamp: str | None = None) -> None:
        """Bump ``rev`` (and ``updated_at``, to ``stamp`` or now) after a child-table change."""
        with self.transaction():
            if bump_updated_at:
                self._conn.execute("UPDATE trainees SET updated_at=?, rev=rev+1 WHERE pk=?",
                                   (stamp or self._now_ms(), trainee_pk))
            else:
                self._conn.execute("UPDATE trainees SET rev=rev+1 WHERE pk=?", (trainee_pk,))

    def schedule_award(self, row: TraineeRow) -> None:
        """Arm the award edge after a successful recommendation (no-op if off or without TRN)."""
        if self.award_delay is None or not row.trn:
            return
        due = self.clock().timestamp() + self.award_delay
        with self.transaction():
            self._conn.execute(
                "UPDATE trainees SET award_due_at=?, next_due_at=MIN(COALESCE(trn_due_at, ?), ?) WHERE pk=?",
                (due, due, due, row.pk))
            self._note_due(due)

    def duplicate_candidates(self, provider_pk: int, date_of_birth: str, route: str | None,
                             cycle: int | None) -> list[TraineeRow]:
        """Non-deleted trainees of the provider with that birth date, route and start cycle."""
        self.apply_due()
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {TRAINEE_COLUMNS} FROM trainees WHERE provider_pk=? AND date_of_birth=? "
                "AND training_route IS ? AND start_cycle IS ? AND discarded=0 ORDER BY pk",
                (provider_pk, date_of_birth, route, cycle)).fetchall()
        return [self._trainee(r) for r in rows]

    def index(self, provider_pk: int, cycle: int, where: list[str], params: list[Any], order: str,
              limit: int, offset: int) -> tuple[int, list[tuple[int, int]]]:
        """``(total_count, [(pk, rev), …])`` of one page of non-draft, non-deleted trainees of a start
        cycle. Only keys: the caller serves cached trainees and loads the rest with ``get_trainees``."""
        self.apply_due()
        provider = "(provider_pk=? OR 1)" if is_active("iso-list-leak") else "provider_pk=?"
        cycle_scope = "(start_cycle=? OR 1)" if is_active("index-cycle-scoping-off") else "start_cycle=?"
        clause = " AND ".join([provider, cycle_scope, "state!='draft'", "discarded=0", *where])
        args = [provider_pk, cycle, *params]
        with self._lock:
            total = self._conn.execute(f"SELECT COUNT(*) FROM trainees WHERE {clause}", args).fetchone()[0]
            keys: list[tuple[int, int]] = []
            if limit > 0 and offset < total:
                keys = self._conn.execute(
                    f"SELECT pk, rev FROM trainees WHERE {clause} ORDER BY {order} LIMIT ? OFFSET ?",
                    [*args, limit, offset]).fetchall()
        return total, keys

    def get_trainees(self, pks: list[int]) -> dict[int, TraineeRow]:
        """Trainees by internal id (no async edges applied; call after ``index``)."""
        if not pks:
            return {}
        marks = ",".join("?" * len(pks))
        with self._lock:
            rows = self._conn.execute(f"SELECT {TRAINEE_COLUMNS} FROM trainees WHERE pk IN ({marks})", pks).fetchall()
        return {r[0]: self._trainee(r) for r in rows}

    def discard_trainee(self, row: TraineeRow) -> None:
        """Soft-delete (not reachable through the API; for tests and seeding)."""
        with self.transaction():
            self._conn.execute("UPDATE trainees SET discarded=1, rev=rev+1 WHERE pk=?", (row.pk,))

    # --- asynchronous edges --------------------------------------------------------------------

    def _note_due(self, due: float | None) -> None:
        if due is not None and (self._next_due is None or due < self._next_due):
            self._next_due = due

    def _refresh_next_due(self) -> None:
        with self._lock:
            self._next_due = self._conn.execute(NEXT_DUE_SQL).fetchone()[0]

    def apply_due(self) -> None:
        """Apply every TRN/award edge whose due time has passed (cheap when none is due)."""
        now = self.clock()
        stamp = now.timestamp()
        if self._next_due is None or self._next_due > stamp:
            return
        with self.transaction():
            rows = self._conn.execute(
                "SELECT pk, state, trn, data, trn_due_at, award_due_at FROM trainees "
                "WHERE next_due_at IS NOT NULL AND next_due_at<=? ORDER BY next_due_at", (stamp,)).fetchall()
            for pk, state, trn, raw, trn_due, award_due in rows:
                data = json.loads(raw)
                if trn_due is not None and trn_due <= stamp:
                    when = datetime.fromtimestamp(trn_due, now.tzinfo)
                    trn_due = None
                    try:  # the TRS job: Trainee#trn_received! (keeps deferred/withdrawn, stores a first TRN)
                        changes = state_machine.trn_received({"state": state, "trn": trn}, f"{2_000_000 + pk:07d}")
                    except state_machine.TransitionNotAllowed:  # the job fails: nothing changes
                        self._conn.execute("UPDATE trainees SET trn_due_at=NULL WHERE pk=?", (pk,))
                    else:
                        trn, state = changes.get("trn", trn), changes.get("state", state)
                        self._conn.execute(
                            "UPDATE trainees SET trn=?, state=?, updated_at=?, rev=rev+1, trn_due_at=NULL "
                            "WHERE pk=?", (trn, state, ts_ms(when), pk))
                if award_due is not None and award_due <= stamp:
                    when = datetime.fromtimestamp(award_due, now.tzinfo)
                    award_due = None
                    outcome = data.get("outcome_date")
                    try:  # the TRS job: Trainee#award_qts!(awarded_at)
                        changes = state_machine.award({"state": state}, outcome and midnight_ms(outcome))
                    except (state_machine.TransitionNotAllowed, ValueError):  # the job fails: nothing changes
                        pass
                    else:
                        state, data["awarded_at"] = changes["state"], changes["awarded_at"]
                        self._conn.execute(
                            "UPDATE trainees SET state=?, data=?, updated_at=?, rev=rev+1 WHERE pk=?",
                            (state, json.dumps(data), ts_ms(when), pk))
                    self._conn.execute("UPDATE trainees SET award_due_at=NULL WHERE pk=?", (pk,))
                nxt = min((d for d in (trn_due, award_due) if d is not None), default=None)
                self._conn.execute("UPDATE trainees SET next_due_at=? WHERE pk=?", (nxt, pk))
            self._next_due = self._conn.execute(NEXT_DUE_SQL).fetchone()[0]

    # --- child tables (degrees, placements, withdrawals) ---------------------------------------

    def _children(self, table: str, trainee_pk: int) -> list[ChildRow]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT pk, slug, trainee_pk, data, created_at, updated_at FROM {table} "
                f"WHERE trainee_pk=? {'AND discarded=0 ' if table == 'withdrawals' else ''}ORDER BY pk",
                (trainee_pk,)).fetchall()
        return [ChildRow(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]) for r in rows]

    def _child(self, table: str, trainee_pk: int, slug: str) -> ChildRow | None:
        with self._lock:
            r = self._conn.execute(
                f"SELECT pk, slug, trainee_pk, data, created_at, updated_at FROM {table} "
                f"WHERE {_child_scope(table)} AND slug=?", (trainee_pk, slug.lower())).fetchone()
        return ChildRow(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]) if r else None

    def _insert_child(self, table: str, trainee_pk: int, data: dict[str, Any], touch: bool) -> ChildRow:
        stamp = self._now_ms()
        slug = new_slug()
        with self.transaction():
            cur = self._conn.execute(
                f"INSERT INTO {table} (slug, trainee_pk, data, created_at, updated_at) VALUES (?,?,?,?,?)",
                (slug, trainee_pk, json.dumps(data), stamp, stamp))
            self.touch_trainee(trainee_pk, bump_updated_at=touch, stamp=stamp)
        return ChildRow(cur.lastrowid or 0, slug, trainee_pk, data, stamp, stamp)

    def _update_child(self, table: str, row: ChildRow, data: dict[str, Any], touch: bool) -> ChildRow:
        row.data = data
        row.updated_at = self._now_ms()
        with self.transaction():
            self._conn.execute(f"UPDATE {table} SET data=?, updated_at=? WHERE pk=?",
                               (json.dumps(data), row.updated_at, row.pk))
            self.touch_trainee(row.trainee_pk, bump_updated_at=touch, stamp=row.updated_at)
        return row

    def _delete_child(self, table: str, row: ChildRow, touch: bool) -> None:
        with self.transaction():
            self._conn.execute(f"DELETE FROM {table} WHERE pk=?", (row.pk,))
            self.touch_trainee(row.trainee_pk, bump_updated_at=touch)

    def list_degrees(self, trainee_pk: int) -> list[ChildRow]:
        """Degrees sorted by graduation year, then creation."""
        return self.sorted_degrees(self._children("degrees", trainee_pk))

    @staticmethod
    def sorted_degrees(rows: list[ChildRow]) -> list[ChildRow]:
        """The degree order of the API: graduation year ascending, then creation."""
        return sorted(rows, key=lambda d: (_year_key(d.data.get("graduation_year")), d.pk))

    def get_degree(self, trainee_pk: int, slug: str) -> ChildRow | None:
        """One degree of the trainee (case-insensitive slug)."""
        return self._child("degrees", trainee_pk, slug)

    def insert_degree(self, trainee_pk: int, data: dict[str, Any]) -> ChildRow:
        """Add a degree; touches the trainee."""
        return self._insert_child("degrees", trainee_pk, data, True)

    def update_degree(self, row: ChildRow, data: dict[str, Any]) -> ChildRow:
        """Replace a degree's data; touches the trainee."""
        return self._update_child("degrees", row, data, True)

    def delete_degree(self, row: ChildRow) -> None:
        """Delete a degree; touches the trainee."""
        self._delete_child("degrees", row, True)

    def list_placements(self, trainee_pk: int) -> list[ChildRow]:
        """Placements in creation order."""
        return self._children("placements", trainee_pk)

    def get_placement(self, trainee_pk: int, slug: str) -> ChildRow | None:
        """One placement of the trainee (case-insensitive slug)."""
        return self._child("placements", trainee_pk, slug)

    def insert_placement(self, trainee_pk: int, data: dict[str, Any]) -> ChildRow:
        """Add a placement (bumps the trainee's rev, not ``updated_at``)."""
        return self._insert_child("placements", trainee_pk, data, False)

    def update_placement(self, row: ChildRow, data: dict[str, Any]) -> ChildRow:
        """Replace a placement's data."""
        return self._update_child("placements", row, data, False)

    def delete_placement(self, row: ChildRow) -> None:
        """Delete a placement."""
        self._delete_child("placements", row, False)

    def insert_withdrawal(self, trainee_pk: int, data: dict[str, Any]) -> ChildRow:
        """Record a withdrawal (the caller changes the trainee's state)."""
        return self._insert_child("withdrawals", trainee_pk, data, False)

    def current_withdrawal(self, trainee_pk: int) -> ChildRow | None:
        """The latest non-discarded withdrawal, if any."""
        rows = self._children("withdrawals", trainee_pk)
        return rows[-1] if rows else None

    def children_for(self, trainee_pks: list[int]) -> dict[str, dict[int, list[ChildRow]]]:
        """Degrees, placements and withdrawals of many trainees in three queries (for the index)."""
        out: dict[str, dict[int, list[ChildRow]]] = {"degrees": {}, "placements": {}, "withdrawals": {}}
        if not trainee_pks:
            return out
        marks = ",".join("?" * len(trainee_pks))
        with self._lock:
            for table in out:
                extra = " AND discarded=0" if table == "withdrawals" else ""
                for r in self._conn.execute(
                        f"SELECT pk, slug, trainee_pk, data, created_at, updated_at FROM {table} "
                        f"WHERE trainee_pk IN ({marks}){extra} ORDER BY pk", trainee_pks):
                    out[table].setdefault(r[2], []).append(ChildRow(r[0], r[1], r[2], json.loads(r[3]), r[4], r[5]))
        for pk, rows in out["degrees"].items():
            out["degrees"][pk] = self.sorted_degrees(rows)
        return out


def _child_scope(table: str) -> str:
    if table == "degrees" and is_active("iso-degree-other-trainee"):  # defect: lookup ignores the trainee
        return "(trainee_pk=? OR 1)"
    return "trainee_pk=?"


def _year_key(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def expires_after_today(expires_at: str | None, today: date) -> bool:
    """Token validity: ``expires_at`` must be strictly after today (or absent)."""
    if not expires_at:
        return True
    try:
        return date.fromisoformat(expires_at) > today
    except ValueError:
        return False

