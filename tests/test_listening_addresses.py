"""The default set-up (`make run`: `bot serve rasa`, `actions` and `web`, started here as
tests/live.py starts them) listens on loopback only: read from the kernel's own table of
listening sockets, for the ports in the settings and for every other socket those
processes listen on.

The default set-up's databases are SQLite files (the leads and Rasa's tracker store,
under var/): they have no socket to check, and its lock store is in memory. PostgreSQL
and Redis belong to production mode and are the machine's own services, configured
outside the project (on this machine they listen on 127.0.0.1 and ::1).
"""

from __future__ import annotations

from tests.sockets import holders, listeners, socket_inodes


def test_rasa_the_action_server_and_the_web_app_listen_on_loopback_only(servers):
    ports = {servers.rasa_port, servers.action_port, servers.web_port}
    table = listeners()
    ours = [listener for listener in table if listener.port in ports]
    # each of the three answers, and only on loopback (not 0.0.0.0 or ::)
    assert {listener.port for listener in ours} == ports
    assert [str(listener) for listener in ours if not listener.loopback] == []

    # nor does any of those processes listen anywhere else
    pids = holders({listener.inode for listener in ours})
    assert len(pids) >= 3
    held = set().union(*(socket_inodes(pid) for pid in pids))
    theirs = [listener for listener in table if listener.inode in held]
    assert {listener.port for listener in theirs} >= ports
    assert [str(listener) for listener in theirs if not listener.loopback] == []
