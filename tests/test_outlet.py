"""A phone's outlet while its first state is read: changes are not lost, nor sent early."""

from __future__ import annotations

from server.hub import Outlet


def drain(outlet: Outlet) -> list[str]:
    out = []
    while not outlet.queue.empty():
        out.append(outlet.queue.get_nowait())
    return out


def test_a_change_during_the_first_read_is_remembered_not_sent_before_the_state() -> None:
    outlet = Outlet(warming=True)
    outlet.push("change")  # the presenter moved while the state was being read
    assert drain(outlet) == []
    outlet.offer("state")
    assert outlet.warmed() is True  # the socket then sends the session again
    outlet.push("later change")
    assert drain(outlet) == ["state", "later change"]


def test_without_a_change_the_state_is_all() -> None:
    outlet = Outlet(warming=True)
    outlet.offer("state")
    assert outlet.warmed() is False
    assert drain(outlet) == ["state"]
