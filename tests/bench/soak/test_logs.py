"""Errors found in the servers' logs, however each server writes them."""

from __future__ import annotations

from bench.soak import logs

RASA_LOG = """\
2026-11-27 22:10:01 INFO     root  - Rasa server is up and running.
2026-11-27 22:11:07 ERROR    rasa.core.processor  - Encountered an exception while running action
Traceback (most recent call last):
  File "/x/rasa/core/processor.py", line 870, in _run_action
ValueError: boom
[2026-11-27 22:12:00 +0000] [4242] [ERROR] Exception occurred while handling uri
2026/11/27 22:13:00 [error] 99#99: *1 connect() failed (111: Connection refused)
2026-11-27 22:14:00 CRITICAL rasa  - out of memory
2026-11-27 22:15:00 INFO     bot  - no errors; error_kinds={}; Terror of the deep
ERROR:    Exception in ASGI application
"""


def test_error_lines_of_python_sanic_uvicorn_and_nginx_logs():
    found = logs.error_lines(RASA_LOG)
    assert [number for number, _ in found] == [2, 3, 6, 7, 8, 10]
    assert found[0][1].startswith("2026-11-27 22:11:07 ERROR")


def test_a_clean_log_has_no_error_lines():
    assert logs.error_lines("INFO started\nWARNING slow\n127.0.0.1 GET /errors 200\n") == []


def test_every_log_under_the_directories_is_scanned(tmp_path):
    (tmp_path / "logs").mkdir()
    (tmp_path / "run" / "a" / "prod" / "logs").mkdir(parents=True)
    (tmp_path / "logs" / "a-rasa.log").write_text(RASA_LOG)
    (tmp_path / "logs" / "a-web.log").write_text("INFO: Uvicorn running\n")
    nginx = tmp_path / "run" / "a" / "prod" / "logs" / "nginx-error.log"
    nginx.write_bytes(b"[error] bad \xff byte\n")
    (tmp_path / "run" / "a" / "trackers.db").write_text("not a log")
    files = logs.log_files(tmp_path / "logs", tmp_path / "run", tmp_path / "missing")
    assert [path.name for path in files] == ["a-rasa.log", "a-web.log", "nginx-error.log"]
    found = logs.scan(files)
    assert len(found) == 7
    assert found[-1] == logs.LogError(str(nginx), 1, "[error] bad \ufffd byte")


def test_a_long_line_is_cut(tmp_path):
    log = tmp_path / "x.log"
    log.write_text("ERROR " + "x" * 1000 + "\n")
    (entry,) = logs.scan([log])
    assert len(entry.text) == logs.SHOWN_CHARS
