"""The dependency audit of `make lint`: pip-audit over requirements.lock, judged by what
it could actually check.

pip-audit runs as a pinned tool through uv, outside the project's venv (it needs
packaging>=21; Rasa pins packaging<21). When its vulnerability service does not answer
for a package, pip-audit "skips" it and still prints "No known vulnerabilities found";
with every package skipped that is no audit at all. So the report is read as JSON and:

- a vulnerability not accepted in the ignore file (an id and a reason each) fails;
- a package pip-audit could not check means the audit was not (fully) performed: a loud
  warning, and a failure unless ``AUDIT_OFFLINE_OK=1`` says that is acceptable here.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

PIP_AUDIT = "pip-audit==2.10.1"
OFFLINE_VARIABLE = "AUDIT_OFFLINE_OK"
# pip-audit asks its service once per package; 200 packages took ~30 s here
TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class Finding:
    """One known vulnerability of one pinned package."""

    package: str
    version: str
    id: str
    aliases: tuple[str, ...]
    fix_versions: tuple[str, ...]

    @property
    def ids(self) -> set[str]:
        return {self.id, *self.aliases}

    def describe(self) -> str:
        fixed = ", ".join(self.fix_versions) or "no fixed release"
        also = f" ({', '.join(self.aliases)})" if self.aliases else ""
        return f"{self.package} {self.version}: {self.id}{also}; fixed in {fixed}"


@dataclass(frozen=True)
class Verdict:
    """What the audit found and what it could not check."""

    audited: int
    # "name: pip-audit's reason" for each package it could not check
    skipped: tuple[str, ...]
    findings: tuple[Finding, ...]
    # accepted findings, each with the ignore file's reason
    accepted: tuple[tuple[Finding, str], ...]
    # set when pip-audit produced no report at all (the tool or its service failed)
    failure: str | None = None

    @property
    def not_performed(self) -> str | None:
        """Why the audit does not cover every dependency (None when it does)."""
        if self.failure:
            return self.failure
        total = self.audited + len(self.skipped)
        if total == 0:
            return "pip-audit reported no dependencies"
        if self.skipped:
            return (
                f"{len(self.skipped)} of {total} dependencies could not be audited, "
                f"e.g. {self.skipped[0]}"
            )
        return None

    @property
    def mostly_unchecked(self) -> bool:
        """No report, or more packages skipped than audited."""
        return self.failure is not None or self.audited <= len(self.skipped)


def pip_audit_command(uv: str, lock: Path) -> list[str]:
    """pip-audit over the hashed lock file, without pip (the lock pins every package)."""
    return [
        uv, "tool", "run", "--from", PIP_AUDIT, "pip-audit",
        "-r", str(lock), "--require-hashes", "--disable-pip",
        "--progress-spinner", "off", "--format", "json",
    ]  # fmt: skip


def run_pip_audit(command: list[str]) -> tuple[dict | None, str | None]:
    """pip-audit's JSON report, or why there is none. It exits 1 both when it finds
    vulnerabilities (with a report) and when it fails (without one)."""
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"pip-audit did not run: {error}"
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError:
        lines = done.stderr.strip().splitlines() or [f"exit status {done.returncode}"]
        return None, f"pip-audit failed: {lines[-1]}"
    if not isinstance(report, dict) or not isinstance(report.get("dependencies"), list):
        return None, "pip-audit's report has no list of dependencies"
    return report, None


def load_ignores(path: Path) -> dict[str, str]:
    """Accepted vulnerability ids and why; a missing file accepts none. An entry without
    an id or a reason is an error: nothing is waved through unexplained."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("ignore") or []
    accepted = {}
    for index, entry in enumerate(entries, start=1):
        vuln_id = str(entry.get("id") or "").strip() if isinstance(entry, dict) else ""
        reason = str(entry.get("reason") or "").strip() if isinstance(entry, dict) else ""
        if not vuln_id or not reason:
            raise ValueError(f"{path}: entry {index} needs both an id and a reason")
        accepted[vuln_id] = reason
    return accepted


def _finding(dependency: Mapping, vuln: Mapping) -> Finding:
    return Finding(
        package=str(dependency.get("name", "?")),
        version=str(dependency.get("version", "?")),
        id=str(vuln.get("id", "?")),
        aliases=tuple(str(a) for a in vuln.get("aliases") or ()),
        fix_versions=tuple(str(v) for v in vuln.get("fix_versions") or ()),
    )


def judge(report: Mapping, accepted: Mapping[str, str]) -> Verdict:
    """Sort pip-audit's report into audited, skipped, accepted and unaccepted findings."""
    audited, skipped, findings, waved = 0, [], [], []
    for dependency in report.get("dependencies", []):
        if dependency.get("skip_reason"):
            skipped.append(f"{dependency.get('name', '?')}: {dependency['skip_reason']}")
            continue
        audited += 1
        for vuln in dependency.get("vulns") or ():
            finding = _finding(dependency, vuln)
            reasons = [accepted[i] for i in sorted(finding.ids & accepted.keys())]
            if reasons:
                waved.append((finding, reasons[0]))
            else:
                findings.append(finding)
    return Verdict(audited, tuple(skipped), tuple(findings), tuple(waved))


def decide(verdict: Verdict, offline_ok: bool) -> tuple[int, list[str]]:
    """The exit status and what to print. Vulnerabilities always fail; an audit that did
    not cover everything fails unless ``offline_ok``, and is never reported as clean."""
    lines = [f"vulnerability: {f.describe()}" for f in verdict.findings]
    lines += [f"accepted: {f.describe()}; why: {why}" for f, why in verdict.accepted]
    status = 1 if verdict.findings else 0
    if verdict.findings:
        lines.append(
            f"dependency audit FAILED: {len(verdict.findings)} known vulnerabilities: upgrade, "
            "or accept each in the ignore file with the reason it does not apply"
        )
    reason = verdict.not_performed
    if reason:
        complete = "NOT performed" if verdict.mostly_unchecked else "INCOMPLETE"
        lines.append(f"!!! dependency audit {complete}: {reason} !!!")
        if offline_ok:
            lines.append(
                f"!!! {OFFLINE_VARIABLE}=1: continuing WITHOUT a complete dependency audit !!!"
            )
        else:
            lines.append(f"set {OFFLINE_VARIABLE}=1 to continue without it")
            status = 1
    elif not verdict.findings:
        lines.append(
            f"dependency audit: {verdict.audited} packages audited, no known vulnerabilities"
            + (f" ({len(verdict.accepted)} accepted)" if verdict.accepted else "")
        )
    return status, lines


def audit(uv: str, lock: Path, ignore_file: Path, offline_ok: bool) -> tuple[int, list[str]]:
    """Run pip-audit over ``lock`` and decide: the exit status and what to print."""
    accepted = load_ignores(ignore_file)
    report, failure = run_pip_audit(pip_audit_command(uv, lock))
    if report is None:
        verdict = Verdict(0, (), (), (), failure=failure or "pip-audit gave no report")
    else:
        verdict = judge(report, accepted)
    return decide(verdict, offline_ok)
