"""The connected count across workers (server/presence.py), with a clock we move."""

from __future__ import annotations

from server.presence import PRESENCE_EXPIRY_SECONDS, Presence


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def presence(local: dict[str, int], clock: Clock) -> Presence:
    return Presence(local=lambda s: local.get(s, 0), worker="here", clock=clock)


def test_other_workers_counts_add_up_and_expire_when_not_repeated() -> None:
    clock, local = Clock(), {"s1": 2}
    p = presence(local, clock)
    assert p.heard("s1", {"worker": "a", "phones": 3})
    assert p.heard("s1", {"worker": "b", "phones": 1})
    assert not p.heard("s1", {"worker": "b", "phones": 1})  # a heartbeat changes nothing
    assert p.total("s1") == 6
    clock.now += PRESENCE_EXPIRY_SECONDS / 2
    p.heard("s1", {"worker": "a", "phones": 3})  # a repeats, b has died
    clock.now += PRESENCE_EXPIRY_SECONDS / 2 + 1
    assert p.expire() == {"s1"}
    assert p.total("s1") == 5
    assert p.heard("s1", {"worker": "a", "phones": 0})  # a's phones left
    assert p.total("s1") == 2


def test_own_and_malformed_notices_are_ignored() -> None:
    p = presence({"s1": 1}, Clock())
    for bad in (
        {"worker": "here", "phones": 50},  # our own notice, back from the broker
        {"worker": "a", "phones": -1},
        {"worker": "a", "phones": True},
        {"worker": "a", "phones": "9"},
        {"worker": 7, "phones": 2},
        ["a", 2],
    ):
        assert not p.heard("s1", bad)
    assert p.total("s1") == 1


def test_changes_are_published_once_and_heartbeats_repeat_every_session() -> None:
    local = {"s1": 2, "s2": 1}
    p = presence(local, Clock())
    p.changed("s1")
    assert p.due({"s1", "s2"}, heartbeat=False) == [
        {"session": "s1", "presence": {"worker": "here", "phones": 2}}
    ]
    assert p.due({"s1", "s2"}, heartbeat=False) == []
    assert [n["session"] for n in p.due({"s1", "s2"}, heartbeat=True)] == ["s1", "s2"]
    local.pop("s1")
    p.changed("s1")  # the last phone left: others must hear the zero
    assert p.due({"s2"}, heartbeat=False)[0]["presence"]["phones"] == 0
