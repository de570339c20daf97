"""The benchmark's arithmetic and report: percentiles, /proc memory, ratios, RESULT line."""

from __future__ import annotations

import os
import socket

import pytest

from bench import metrics


def test_percentiles_interpolate_between_ranks_as_numpy_does():
    values = [float(v) for v in range(1, 101)]  # 1..100, shuffled order must not matter
    shuffled = values[::2] + values[1::2]
    assert metrics.percentile(shuffled, 50) == pytest.approx(50.5)
    assert metrics.percentile(shuffled, 95) == pytest.approx(95.05)
    assert metrics.percentile(shuffled, 99) == pytest.approx(99.01)
    assert metrics.percentile(shuffled, 0) == 1.0 and metrics.percentile(shuffled, 100) == 100.0
    assert metrics.percentile([7.0], 99) == 7.0


def test_percentile_refuses_nothing_and_out_of_range():
    with pytest.raises(ValueError):
        metrics.percentile([], 50)
    with pytest.raises(ValueError):
        metrics.percentile([1.0], 101)


def test_latency_summary_is_in_milliseconds():
    summary = metrics.latency_summary([0.1, 0.2, 0.3, 0.4])
    assert summary["n"] == 4
    assert summary["p50_ms"] == pytest.approx(250.0)
    assert summary["mean_ms"] == pytest.approx(250.0)
    assert metrics.latency_summary([])["p95_ms"] is None


def test_throughput_is_answered_messages_per_second():
    assert metrics.throughput(120, 60.0) == 2.0
    assert metrics.throughput(5, 0.0) == 0.0


STATUS = """Name:\trasa
VmPeak:\t 3551936 kB
VmHWM:\t 1550164 kB
VmRSS:\t 1210000 kB
"""


def test_peak_memory_is_vmhwm_from_proc(tmp_path):
    assert metrics.status_kib(STATUS, "VmHWM") == 1550164
    assert metrics.status_kib(STATUS, "VmSwap") is None
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "status").write_text(STATUS)
    assert metrics.peak_rss_mib(42, proc=tmp_path) == pytest.approx(1550164 / 1024)
    assert metrics.peak_rss_mib(43, proc=tmp_path) is None


def test_servers_are_found_by_command_line_and_port(tmp_path):
    commands = {
        "10": ["python", "/v/bin/rasa", "run", "--model", "m", "--port", "25006"],
        "11": ["python", "/v/bin/rasa", "run", "--model", "m", "--port", "25007"],
        "12": ["python", "/v/bin/rasa", "train", "--port", "25006"],
        "13": ["python", "-m", "bot.processes.action_server", "--port", "25055"],
        "self": ["not", "a", "pid"],
    }
    for pid, argv in commands.items():
        (tmp_path / pid).mkdir()
        (tmp_path / pid / "cmdline").write_bytes(b"\0".join(a.encode() for a in argv) + b"\0")
    assert metrics.find_pids(25006, ("rasa", "run"), proc=tmp_path) == [10]
    assert metrics.find_pids(25055, ("bot.processes.action_server",), proc=tmp_path) == [13]
    assert metrics.find_pids(25008, ("rasa", "run"), proc=tmp_path) == []


PROJECT_A = {"throughput_msg_s": 12.0, "p95_ms": 400.0, "rasa_peak_rss_mib": 600.0}
PROJECT_B = {"throughput_msg_s": 18.0, "p95_ms": 300.0, "rasa_peak_rss_mib": 700.0}
STOCK = {"throughput_msg_s": 3.0, "p95_ms": 2000.0, "rasa_peak_rss_mib": 1400.0}


def test_the_best_project_setup_is_the_fastest_that_ran():
    setups = {"a": PROJECT_A, "b": PROJECT_B, "c": STOCK}
    assert metrics.best_setup(setups, ["a", "b"]) == "b"
    assert metrics.best_setup({"a": PROJECT_A, "b": {"ran": False}}, ["a", "b"]) == "a"
    with pytest.raises(LookupError):
        metrics.best_setup({"b": {"ran": False}}, ["a", "b"])


def test_comparison_and_result_line():
    project = {**PROJECT_B, "cold_start_s": 20.0}
    stock = {**STOCK, "cold_start_s": 80.0}
    figures = metrics.comparison(project, stock, project_f1=0.93, stock_f1=0.871, worst_ms=41.25)
    assert figures["throughput_ratio"] == pytest.approx(6.0)
    assert figures["p95_ratio"] == pytest.approx(0.15)
    assert figures["rss_ratio"] == pytest.approx(0.5)
    assert figures["cold_start_ratio"] == pytest.approx(0.25)
    assert figures["f1_delta"] == pytest.approx(0.059)
    assert metrics.result_line(figures) == (
        "RESULT throughput_ratio=6.00 p95_ratio=0.15 rss_ratio=0.50"
        " cold_start_ratio=0.25 f1_delta=+0.059 worst_ms=41.2"
    )


def test_the_patched_stock_line_gives_only_the_runtime_ratios():
    figures = metrics.comparison(PROJECT_B, STOCK, project_f1=0.93, stock_f1=0.871, worst_ms=4.0)
    assert metrics.patched_stock_line(figures) == (
        "RESULT vs patched stock (c): throughput_ratio=6.00 p95_ratio=0.15 rss_ratio=0.50"
        " cold_start_ratio=nan"
    )


def test_result_line_shows_a_negative_delta_and_what_was_not_measured():
    figures = metrics.comparison({}, STOCK, project_f1=0.80, stock_f1=0.85)
    line = metrics.result_line(figures)
    assert line.startswith("RESULT throughput_ratio=nan p95_ratio=nan")
    assert line.endswith("f1_delta=-0.050 worst_ms=nan")


def test_targets_are_met_missed_or_not_measured():
    figures = {
        "throughput_ratio": 6.0,
        "p95_ratio": 0.3,
        "rss_ratio": None,
        "cold_start_ratio": 0.33,
        "f1_delta": 0.0,
        "worst_ms": 50.5,
    }
    lines = metrics.target_lines(figures)
    assert [line.split()[0] for line in lines] == ["met", "MISSED", "not", "met", "met", "MISSED"]
    assert "want >= 6.0" in lines[0] and "want <= 0.25" in lines[1]


def test_table_has_one_column_per_setup_and_dashes_for_the_missing():
    table = metrics.format_table(
        ["(a) project", "(c) stock"],
        [("throughput (msg/s)", [12.345, 3.0]), ("cold start (s)", [25.04, None])],
    )
    header, rule, first, second = table.splitlines()
    assert header.split() == ["(a)", "project", "(c)", "stock"]
    assert set(rule) == {"-"}
    assert first.split()[-2:] == ["12.3", "3.000"]
    assert second.split()[-2:] == ["25.0", "-"]
    assert len({len(line) for line in (header, first, second)}) == 1


def test_report_rows_flag_a_reused_model_and_missing_setups():
    setups = {
        "a": {"throughput_msg_s": 12.0, "training_s": 95.0, "training_reused": True},
        "b": {"training_s": 95.0, "training_reused": True, "training_stale": True},
        "c": {"throughput_msg_s": 3.0, "training_s": 900.0, "training_reused": False},
    }
    rows = dict(metrics.report_rows(setups, ["a", "b", "c", "d"]))
    assert rows["throughput (msg/s)"] == [12.0, None, 3.0, None]
    assert rows["training time (s)"] == ["95.0 (reused)", "95.0 (reused, stale)", 900.0, None]


def test_cpu_time_is_read_after_the_command_name_even_with_spaces():
    stat = "4242 (rasa run (x)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 30 0"
    assert metrics.stat_cpu_ticks(stat) == 300


def test_cpu_per_message_sums_the_processes_that_stayed_up():
    before = {1: 10.0, 2: 5.0, 3: None, 4: 1.0}
    after = {1: 12.0, 2: 6.0, 3: 9.0}  # 3 was not readable before, 4 has gone
    assert metrics.cpu_ms_per_message(before, after, messages=100) == pytest.approx(30.0)
    assert metrics.cpu_ms_per_message(before, after, messages=0) is None


def test_current_memory_is_vmrss_from_proc(tmp_path):
    (tmp_path / "42").mkdir()
    (tmp_path / "42" / "status").write_text(STATUS)
    assert metrics.rss_mib(42, proc=tmp_path) == pytest.approx(1210000 / 1024)
    assert metrics.rss_mib(43, proc=tmp_path) is None


NET_TCP = """  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1E78 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5001 1 0 100 0 0 10 0
   1: 0100007F:1E78 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1000        0 5002 1 0 20 4 30 10 -1
   2: 0100007F:1B6D 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5003 1 0 100 0 0 10 0
"""  # noqa: E501 - as the kernel writes it


def test_listening_sockets_are_read_from_the_tcp_table():
    # 0x1E78 = 7800 listening (5001) and one connection on it (5002, not listening)
    assert metrics.listening_inodes(NET_TCP, 7800) == {5001}
    assert metrics.listening_inodes(NET_TCP, 7021) == {5003}
    assert metrics.listening_inodes(NET_TCP, 7005) == set()


def test_the_process_listening_on_a_port_is_found_by_its_descriptors(tmp_path):
    (tmp_path / "net").mkdir()
    (tmp_path / "net" / "tcp").write_text(NET_TCP)
    for pid, targets in {"10": ["socket:[5001]", "/dev/null"], "11": ["socket:[5002]"]}.items():
        (tmp_path / pid / "fd").mkdir(parents=True)
        for fd, target in enumerate(targets):
            (tmp_path / pid / "fd" / str(fd)).symlink_to(target)
    (tmp_path / "12").mkdir()  # no fd directory readable
    assert metrics.listening_pids(7800, proc=tmp_path) == [10]
    assert metrics.listening_pids(7005, proc=tmp_path) == []


def test_this_process_is_found_listening_on_its_own_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        assert os.getpid() in metrics.listening_pids(port)
    assert os.getpid() not in metrics.listening_pids(port)
