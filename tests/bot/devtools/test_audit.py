"""The dependency audit's judgement of pip-audit's reports: our own decision logic, on a
report recorded on this machine (every package skipped: pypi.org's per-version JSON API
answers 404 here) and on reports in pip-audit's JSON format with vulnerabilities."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import main
from bot.devtools import audit
from bot.devtools.audit import (
    PIP_AUDIT,
    decide,
    judge,
    load_ignores,
    pip_audit_command,
    run_pip_audit,
)

RECORDED = Path(__file__).parent / "audit_reports" / "all_skipped.json"
ROOT = Path(__file__).resolve().parents[3]


def clean(name: str, version: str = "1.0") -> dict:
    return {"name": name, "version": version, "vulns": []}


def vulnerable(name: str, vuln_id: str, *aliases: str) -> dict:
    return {
        "name": name,
        "version": "1.0",
        "vulns": [
            {
                "id": vuln_id,
                "description": "a constructed example",
                "fix_versions": ["1.1"],
                "aliases": list(aliases),
            }
        ],
    }


def skipped(name: str) -> dict:
    reason = f"Dependency not found on PyPI and could not be audited: {name} (1.0)"
    return {"name": name, "skip_reason": reason}


def report(*dependencies: dict) -> dict:
    return {"dependencies": list(dependencies), "fixes": []}


def test_nothing_audited_is_not_a_pass():
    verdict = judge(json.loads(RECORDED.read_text()), {})
    assert verdict.audited == 0 and len(verdict.skipped) == 5
    status, lines = decide(verdict, offline_ok=False)
    assert status == 1
    assert any("dependency audit NOT performed: 5 of 5" in line for line in lines)
    assert not any("no known vulnerabilities" in line for line in lines)


def test_offline_ok_continues_but_says_the_audit_did_not_happen():
    verdict = judge(json.loads(RECORDED.read_text()), {})
    status, lines = decide(verdict, offline_ok=True)
    assert status == 0
    text = "\n".join(lines)
    assert "dependency audit NOT performed" in text and "WITHOUT" in text
    assert "no known vulnerabilities" not in text


def test_a_complete_clean_audit_passes():
    status, lines = decide(judge(report(clean("a"), clean("b")), {}), offline_ok=False)
    assert status == 0
    assert lines == ["dependency audit: 2 packages audited, no known vulnerabilities"]


def test_a_vulnerability_fails_even_offline():
    verdict = judge(report(vulnerable("a", "GHSA-0000-0000-0001"), skipped("b")), {})
    status, lines = decide(verdict, offline_ok=True)
    assert status == 1
    assert any(line.startswith("vulnerability: a 1.0: GHSA-0000-0000-0001") for line in lines)
    assert any(line.startswith("dependency audit FAILED: 1 known") for line in lines)
    assert any("dependency audit NOT performed: 1 of 2" in line for line in lines)


def test_an_accepted_vulnerability_passes_with_its_reason():
    accepted = {"CVE-2000-0001": "only the CLI uses it, never on visitors' input"}
    verdict = judge(report(vulnerable("a", "PYSEC-2000-1", "CVE-2000-0001"), clean("b")), accepted)
    status, lines = decide(verdict, offline_ok=False)
    assert status == 0
    (accepted_line,) = [line for line in lines if line.startswith("accepted: ")]
    assert "a 1.0: PYSEC-2000-1" in accepted_line and "never on visitors" in accepted_line
    assert lines[-1].endswith("2 packages audited, no known vulnerabilities (1 accepted)")


def test_a_few_skipped_packages_make_the_audit_incomplete():
    verdict = judge(report(clean("a"), clean("b"), skipped("c")), {})
    status, lines = decide(verdict, offline_ok=False)
    assert status == 1
    assert any("dependency audit INCOMPLETE: 1 of 3" in line and "c:" in line for line in lines)


def test_the_ignore_file_needs_a_reason_for_every_entry(tmp_path):
    assert load_ignores(tmp_path / "missing.yml") == {}
    path = tmp_path / "ignore.yml"
    path.write_text("ignore:\n  - id: GHSA-0000-0000-0001\n    reason: not reachable here\n")
    assert load_ignores(path) == {"GHSA-0000-0000-0001": "not reachable here"}
    path.write_text("ignore:\n  - id: GHSA-0000-0000-0001\n")
    with pytest.raises(ValueError, match="entry 1 needs both an id and a reason"):
        load_ignores(path)


def test_the_projects_ignore_file_is_valid():
    accepted = load_ignores(ROOT / "audit-ignore.yml")
    assert all(reason.strip() for reason in accepted.values())


def test_pip_audit_is_pinned_and_reads_the_hashed_lock():
    command = pip_audit_command("/venv/bin/uv", Path("requirements.lock"))
    assert command[:5] == ["/venv/bin/uv", "tool", "run", "--from", PIP_AUDIT]
    assert PIP_AUDIT == "pip-audit==2.10.1"
    for flag in ("--require-hashes", "--disable-pip", "--format"):
        assert flag in command
    assert command[command.index("--format") + 1] == "json"


def test_a_failing_pip_audit_gives_its_last_error_line():
    command = [sys.executable, "-c", "import sys; sys.exit('ConnectionError: osv unreachable')"]
    assert run_pip_audit(command) == (None, "pip-audit failed: ConnectionError: osv unreachable")
    assert run_pip_audit(["/nonexistent/uv"])[1].startswith("pip-audit did not run:")


def test_a_report_is_read_even_when_pip_audit_exits_1():
    printed = json.dumps(report(vulnerable("a", "GHSA-0000-0000-0001")))
    command = [sys.executable, "-c", f"import sys; print({printed!r}); sys.exit(1)"]
    found, failure = run_pip_audit(command)
    assert failure is None and found["dependencies"][0]["name"] == "a"


@pytest.mark.parametrize(("offline", "status"), [(None, 1), ("1", 0), ("0", 1)])
def test_bot_audit_follows_audit_offline_ok(monkeypatch, offline, status):
    recorded = json.loads(RECORDED.read_text())
    monkeypatch.setattr(audit, "run_pip_audit", lambda command: (recorded, None))
    env = {"AUDIT_OFFLINE_OK": offline} if offline else {}
    monkeypatch.delenv("AUDIT_OFFLINE_OK", raising=False)
    result = CliRunner().invoke(
        main,
        ["audit", "--lock", str(ROOT / "requirements.lock"), "--ignore-file", "none.yml"],
        env=env,
    )
    assert result.exit_code == status
    assert "dependency audit NOT performed" in result.output
