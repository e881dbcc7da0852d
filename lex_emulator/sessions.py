"""Conversation state, one entry per (bot, alias, locale, sessionId), with Lex's idle expiry.

Thread safety: a store-wide lock guards only the dictionary; each session has its own lock, held for
a whole turn by ``SessionStore.turn``. Turns of one session run one at a time (as Lex serialises
them), while different sessions run in parallel. A session idle for longer than its bot's
``IdleSessionTTLInSeconds`` is dropped the next time anyone touches it, and swept now and then.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

__all__ = ["Session", "SessionKey", "SessionStore"]

_SWEEP_EVERY = 256
_STATE_FIELDS = (
    "session_attributes",
    "intent",
    "dialog_action",
    "active_contexts",
    "messages",
    "interpretations",
    "request_attributes",
    "originating_request_id",
    "failed_attempts",
    "context_deadlines",
)


class SessionKey(NamedTuple):
    bot: str  # the bot's logical id
    alias: str
    locale: str
    session_id: str


@dataclass
class Session:
    """What Lex remembers between turns. ``intent``/``dialog_action`` are Lex-shaped dicts."""

    key: SessionKey
    last_used: float
    session_attributes: dict[str, str] = field(default_factory=dict)
    intent: dict[str, Any] | None = None
    dialog_action: dict[str, Any] | None = None
    active_contexts: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    interpretations: list[dict[str, Any]] = field(default_factory=list)
    request_attributes: dict[str, str] = field(default_factory=dict)
    originating_request_id: str | None = None
    failed_attempts: int = 0  # wrong answers to the current slot / confirmation prompt
    context_deadlines: dict[str, float] = field(default_factory=dict)  # name -> clock time
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    alive: bool = True  # False once deleted or expired; a waiter must look the key up again

    def snapshot(self) -> dict[str, Any]:
        """A deep copy of the conversation state (not the lock or bookkeeping)."""
        return copy.deepcopy({name: getattr(self, name) for name in _STATE_FIELDS})

    def restore(self, snapshot: dict[str, Any]) -> None:
        for name in _STATE_FIELDS:
            setattr(self, name, snapshot[name])

    def reset_dialog(self) -> None:
        """Forget the active intent and elicitation (attributes stay)."""
        self.intent = None
        self.dialog_action = None
        self.failed_attempts = 0


class SessionStore:
    """Thread-safe sessions with idle expiry. ``clock`` returns seconds (monotonic)."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._sessions: dict[SessionKey, tuple[Session, float]] = {}
        self._created = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

    def _expired(self, session: Session, ttl: float, now: float) -> bool:
        return now - session.last_used > ttl

    def _lookup(self, key: SessionKey, now: float) -> Session | None:
        """The live session for ``key`` (caller holds ``self._lock``)."""
        entry = self._sessions.get(key)
        if entry is None:
            return None
        session, ttl = entry
        if self._expired(session, ttl, now) and not session.lock.locked():
            session.alive = False
            del self._sessions[key]
            return None
        return session

    def _sweep(self, now: float) -> None:
        for key, (session, ttl) in list(self._sessions.items()):
            if self._expired(session, ttl, now) and not session.lock.locked():
                session.alive = False
                del self._sessions[key]

    @contextmanager
    def turn(self, key: SessionKey, ttl: float) -> Iterator[Session]:
        """Hold ``key``'s session (created if missing or expired) for one turn, then touch it."""
        while True:
            with self._lock:
                now = self._clock()
                session = self._lookup(key, now)
                if session is None:
                    session = Session(key=key, last_used=now)
                    self._sessions[key] = (session, ttl)
                    self._created += 1
                    if self._created % _SWEEP_EVERY == 0:
                        self._sweep(now)
            session.lock.acquire()
            if session.alive:
                session.last_used = self._clock()
                break
            session.lock.release()  # deleted or expired while we waited: start again
        try:
            yield session
        finally:
            session.last_used = self._clock()
            session.lock.release()

    @contextmanager
    def existing(self, key: SessionKey) -> Iterator[Session | None]:
        """Hold ``key``'s live session if there is one (None otherwise), without touching it."""
        while True:
            with self._lock:
                session = self._lookup(key, self._clock())
            if session is None:
                yield None
                return
            session.lock.acquire()
            if session.alive:
                break
            session.lock.release()
        try:
            yield session
        finally:
            session.lock.release()

    def delete(self, key: SessionKey) -> bool:
        """Drop a session. False when there was no live one."""
        with self._lock:
            session = self._lookup(key, self._clock())
            if session is None:
                return False
            session.alive = False
            del self._sessions[key]
            return True
