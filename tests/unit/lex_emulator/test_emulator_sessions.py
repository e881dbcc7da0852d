"""The session store: isolation, idle expiry on a fake clock, per-session serialisation."""

from __future__ import annotations

import threading

from lex_emulator.sessions import SessionKey, SessionStore


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def key(session_id="s1", locale="en_US"):
    return SessionKey("Bot", "TSTALIASID", locale, session_id)


def test_state_persists_between_turns_and_keys_are_isolated():
    store = SessionStore(Clock())
    with store.turn(key(), 60) as session:
        session.session_attributes["who"] = "a"
    with store.turn(key(), 60) as session:
        assert session.session_attributes == {"who": "a"}
    with store.turn(key("s2"), 60) as other:
        assert other.session_attributes == {}
    with store.turn(key(locale="ko_KR"), 60) as other_locale:
        assert other_locale.session_attributes == {}
    assert len(store) == 3


def test_idle_ttl_expiry_uses_the_injected_clock():
    clock = Clock()
    store = SessionStore(clock)
    with store.turn(key(), 60) as session:
        session.session_attributes["x"] = "1"
    clock.now = 60.0  # exactly the TTL: still alive
    with store.existing(key()) as alive:
        assert alive is not None and alive.session_attributes == {"x": "1"}
    clock.now = 60.0 + 60.5
    with store.existing(key()) as gone:
        assert gone is None
    with store.turn(key(), 60) as fresh:
        assert fresh.session_attributes == {}


def test_each_turn_refreshes_the_idle_timer():
    clock = Clock()
    store = SessionStore(clock)
    for step in range(5):
        clock.now = step * 50.0
        with store.turn(key(), 60) as session:
            session.session_attributes["n"] = str(step)
    with store.existing(key()) as session:
        assert session is not None and session.session_attributes["n"] == "4"


def test_delete():
    store = SessionStore(Clock())
    with store.turn(key(), 60):
        pass
    assert store.delete(key()) is True
    assert store.delete(key()) is False
    with store.existing(key()) as session:
        assert session is None


def test_turns_of_one_session_serialise_while_other_sessions_proceed():
    store = SessionStore(Clock())
    holding = threading.Event()
    release = threading.Event()
    same_entered = threading.Event()
    other_entered = threading.Event()

    def hold():
        with store.turn(key(), 60):
            holding.set()
            release.wait(10)

    def same():
        with store.turn(key(), 60):
            same_entered.set()

    def other():
        with store.turn(key("s2"), 60):
            other_entered.set()

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(10)
    waiter = threading.Thread(target=same)
    waiter.start()
    runner = threading.Thread(target=other)
    runner.start()
    assert other_entered.wait(10)  # a different session is not blocked
    assert not same_entered.is_set()  # the same session waits for the holder
    release.set()
    assert same_entered.wait(10)
    for thread in (holder, waiter, runner):
        thread.join(10)


def test_concurrent_turns_never_lose_updates():
    store = SessionStore(Clock())

    def bump():
        for _ in range(200):
            with store.turn(key(), 60) as session:
                count = int(session.session_attributes.get("n", "0"))
                session.session_attributes["n"] = str(count + 1)

    threads = [threading.Thread(target=bump) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    with store.existing(key()) as session:
        assert session is not None and session.session_attributes["n"] == "800"
