"""Archive restores on a clock the tests can advance: ongoing, then restored with an expiry, then gone.

moto's RestoreObject restores at once (its state model jumps to RESTORED), never expires the copy and ignores
VersionId. The emulator keeps each restore it starts here, against `CLOCK` (real time plus an offset that
tests move with `CLOCK.advance`), and writes the state onto moto's object so HeadObject's `x-amz-restore`
(`ongoing-request="true"`, then `ongoing-request="false", expiry-date=…`) and GetObject's refusal of an
archived object read as on AWS. The stack calls `refresh()` before each S3 request; it does work only when a
restore is due to change state.

Times (AWS's upper bounds, User Guide "Archive retrieval options"; exact times are UNCONFIRMED):
GLACIER STANDARD 5 h, BULK 12 h; DEEP_ARCHIVE STANDARD 12 h, BULK 48 h. The restored copy expires
ExpirationInDays after the restore completes, rounded up to the next midnight UTC (UNCONFIRMED: AWS rounds to
midnight UTC; whether from the request or from completion is not settled).
"""

from __future__ import annotations

import heapq
import itertools
import os
import sys
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

RESTORE_HOURS: dict[tuple[str, str], float] = {
    ("GLACIER", "STANDARD"): 5, ("GLACIER", "BULK"): 12,
    ("DEEP_ARCHIVE", "STANDARD"): 12, ("DEEP_ARCHIVE", "BULK"): 48,
}
_MANUAL_MODEL = "s3batch::archive-restore"  # a moto state model that never advances on its own


class Clock:
    """UTC now plus an offset; `advance` moves it forward (tests), `reset` back to real time."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def now(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        with self._lock:
            self._offset += delta
        refresh()

    def reset(self) -> None:
        with self._lock:
            self._offset = timedelta(0)


CLOCK = Clock()


@dataclass
class Restore:
    """One object version's restore: requested tier and days, when it completes and when its copy expires."""

    account_id: str
    bucket: str
    key: str
    version_id: str | None
    tier: str
    days: int
    completes: datetime

    @property
    def expires(self) -> datetime:
        end = self.completes + timedelta(days=self.days)
        midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
        return midnight if midnight == end else midnight + timedelta(days=1)

    def ongoing(self, now: datetime) -> bool:
        return now < self.completes


_RESTORES: dict[tuple[str, str, str, str | None], Restore] = {}
_DUE: list[tuple[datetime, int, tuple[str, str, str, str | None]]] = []  # (when state changes, seq, restore id)
_LOCK = threading.RLock()
_SEQ = itertools.count()


def restore_hours(storage_class: str, tier: str) -> float:
    """Hours a restore takes; S3BATCH_LOCAL_RESTORE_HOURS overrides every tier (e.g. 0 for instant)."""
    override = os.environ.get("S3BATCH_LOCAL_RESTORE_HOURS")
    return float(override) if override else RESTORE_HOURS[(storage_class, tier)]


def current(account_id: str, bucket: str, key: str, version_id: str | None) -> Restore | None:
    """The restore the emulator tracks for this object version (None: none, or its copy expired)."""
    refresh()
    with _LOCK:
        return _RESTORES.get((account_id, bucket, key, version_id))


def start(account_id: str, bucket: str, key: str, version_id: str | None, storage_class: str, tier: str,
          days: int) -> Restore:
    """Start (or, for a faster tier, speed up) a restore and show it on the object."""
    now = CLOCK.now()
    completes = now + timedelta(hours=restore_hours(storage_class, tier))
    with _LOCK:
        ident = (account_id, bucket, key, version_id)
        previous = _RESTORES.get(ident)
        if previous is not None and previous.ongoing(now):
            completes = min(completes, previous.completes)
        restore = _RESTORES[ident] = Restore(account_id, bucket, key, version_id, tier, days, completes)
        _schedule(restore, now)
        _apply(restore, now)
    return restore


def extend(restore: Restore, days: int) -> None:
    """A restored copy's expiry follows the latest request's ExpirationInDays (counted from completion)."""
    with _LOCK:
        restore.days = days
        _schedule(restore, CLOCK.now())
        _apply(restore, CLOCK.now())


def refresh() -> None:
    """Apply every state change that is due by now (cheap when none is)."""
    if not _DUE:
        return
    now = CLOCK.now()
    with _LOCK:
        while _DUE and _DUE[0][0] <= now:
            _, _, ident = heapq.heappop(_DUE)
            restore = _RESTORES.get(ident)
            if restore is None:
                continue
            if now >= restore.expires:
                del _RESTORES[ident]
            _apply(restore, now)


def reset() -> None:
    """Forget every restore and go back to real time (the stack's reset)."""
    with _LOCK:
        _RESTORES.clear()
        _DUE.clear()
    CLOCK.reset()


def _schedule(restore: Restore, now: datetime) -> None:
    ident = (restore.account_id, restore.bucket, restore.key, restore.version_id)
    for when in (restore.completes, restore.expires):
        if when > now:
            heapq.heappush(_DUE, (when, next(_SEQ), ident))


def _apply(restore: Restore, now: datetime) -> None:
    """Write the restore's state onto moto's object (in this process: the engine runs inside the stack)."""
    fake = _moto_key(restore)
    if fake is None:
        return
    fake.model_name = _MANUAL_MODEL
    if now >= restore.expires:
        fake.status, fake._expiry = None, None  # noqa: SLF001 - moto keeps the restore state here
    elif restore.ongoing(now):
        fake.status, fake._expiry = "IN_PROGRESS", restore.expires  # noqa: SLF001
    else:
        fake.status, fake._expiry = "RESTORED", restore.expires  # noqa: SLF001


def _moto_key(restore: Restore) -> Any:
    from moto.moto_api import state_manager
    from moto.s3.models import s3_backends

    state_manager.register_default_transition(_MANUAL_MODEL, {"progression": "manual", "times": sys.maxsize})
    try:
        backend = s3_backends[restore.account_id]["aws"]
        return backend.get_object(restore.bucket, restore.key, version_id=restore.version_id)
    except Exception:  # noqa: BLE001 - the object was deleted meanwhile: nothing to show
        return None
