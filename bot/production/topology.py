"""What production mode runs and how its parts find each other, built from the settings.

`bot serve prod` writes nginx's and supervisord's configuration from the templates next
to this module and starts supervisord, which keeps every process running (a replica
that dies is restarted while nginx sends its visitors to the other). Deployment choices
stay in environment variables: the same code runs in the embedded default.
"""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.db.rasa_events import tracker_store_url
from bot.settings import Settings
from bot.web.security import HSTS

TEMPLATES = Path(__file__).parent


@dataclass(frozen=True)
class Program:
    """One process supervisord keeps running."""

    name: str
    command: list[str]
    environment: dict[str, str]
    # False: supervisord leaves it stopped until `bot serve prod` starts it
    autostart: bool = True

    def supervisor_environment(self) -> str:
        """supervisord's ``environment=`` value (its own quoting, % doubled)."""
        return ",".join(f'{key}="{_escape(value)}"' for key, value in self.environment.items())

    def supervisor_command(self) -> str:
        return _escape(shlex.join(self.command))


@dataclass(frozen=True)
class Layout:
    """Where production mode keeps its generated files, logs and run-time state."""

    base: Path

    @property
    def log_dir(self) -> Path:
        return self.base / "logs"

    @property
    def run_dir(self) -> Path:
        return self.base / "run"

    @property
    def temp_dir(self) -> Path:
        return self.base / "nginx-temp"

    @property
    def nginx_conf(self) -> Path:
        return self.base / "nginx.conf"

    @property
    def supervisord_conf(self) -> Path:
        return self.base / "supervisord.conf"


def _escape(value: str) -> str:
    return value.replace("%", "%%").replace('"', '\\"')


def _is_postgres(url: str) -> bool:
    try:
        return make_url(url).get_backend_name() == "postgresql"
    except ArgumentError:  # not a URL at all
        return False


def problems(settings: Settings, nginx: str | None) -> list[str]:
    """Why production mode can't start with these settings (empty when it can)."""
    found = []
    if not _is_postgres(settings.database_url):
        found.append("DATABASE_URL must be a postgresql:// URL (the leads, shared by all)")
    if not _is_postgres(tracker_store_url(settings.tracker_store_db)):
        found.append(
            "TRACKER_STORE_DB must be a postgresql:// URL (conversations, shared by replicas)"
        )
    if settings.lock_store_url is None and settings.rasa_replicas > 1:
        found.append("LOCK_STORE_URL must be a redis:// URL when RASA_REPLICAS > 1")
    if bool(settings.tls_certificate) != bool(settings.tls_certificate_key):
        found.append("TLS needs both TLS_CERTIFICATE and TLS_CERTIFICATE_KEY")
    for name in (settings.tls_certificate, settings.tls_certificate_key):
        if name and not Path(name).is_file():
            found.append(f"TLS file not found: {name}")
    if not settings.model_path.is_file():
        found.append(f"no trained model at {settings.model_path} (make train)")
    if nginx is None:
        found.append("nginx not found (Debian: apt-get install nginx; make run-prod does)")
    return found


def find_nginx() -> str | None:
    """nginx on PATH or where Debian puts it (/usr/sbin is not on every PATH)."""
    return shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/usr/local/sbin")


def production_environment(settings: Settings, base: dict[str, str]) -> dict[str, str]:
    """The environment every production process inherits: visitors and staff come
    through nginx, so its address is the public one unless configured otherwise."""
    env = dict(base)
    public = settings.public_url
    env.setdefault("PUBLIC_RASA_URL", public)
    env.setdefault("PUBLIC_BASE_URL", public)
    env.setdefault("CORS_ORIGINS", public)
    # the web app believes X-Forwarded-For only from nginx, on this machine
    env.setdefault("FORWARDED_ALLOW_IPS", "127.0.0.1")
    return env


def programs(settings: Settings, nginx: str, layout: Layout) -> list[Program]:
    """nginx, the Rasa replicas, the action server, the web app and the notice scheduler."""
    bot = str(Path(sys.executable).with_name("bot"))
    nginx_command = [nginx, "-p", str(layout.base), "-c", str(layout.nginx_conf)]
    nginx_command += ["-g", "daemon off;"]
    # Only the first replica starts with the others; the rest once it answers
    # (bot/production/run.py): replicas loading side by side shared the 2 cores and the
    # first answer came ~15 s later than with one.
    replicas = [
        Program(f"rasa-{index}", [bot, "serve", "rasa"], {"RASA_PORT": str(port)}, index == 1)
        for index, port in enumerate(settings.replica_ports, start=1)
    ]
    return [
        Program("nginx", nginx_command, {}),
        *replicas,
        Program("actions", [bot, "serve", "actions"], {}),
        Program("web", [bot, "serve", "web"], {}),
        Program("notices", [bot, "serve", "notices"], {}),
    ]


def _render(template: str, **values: object) -> str:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return environment.get_template(template).render(**values)


def nginx_config(settings: Settings, layout: Layout, run_as_root: bool) -> str:
    return _render(
        "nginx.conf.j2",
        run_as_root=run_as_root,
        run_dir=layout.run_dir,
        log_dir=layout.log_dir,
        temp_dir=layout.temp_dir,
        replica_ports=settings.replica_ports,
        web_port=settings.web_port,
        chat_per_address=settings.chat_per_address,
        host=settings.nginx_host,
        http_port=settings.nginx_port,
        tls_port=settings.nginx_tls_port,
        server_name=settings.server_name,
        tls=settings.tls,
        tls_certificate=settings.tls_certificate,
        tls_certificate_key=settings.tls_certificate_key,
        hsts=HSTS,
    )


def supervisord_config(settings: Settings, layout: Layout, processes: list[Program]) -> str:
    return _render(
        "supervisord.conf.j2",
        root=_escape(str(settings.root)),
        log_dir=_escape(str(layout.log_dir)),
        run_dir=_escape(str(layout.run_dir)),
        programs=[
            {
                "name": p.name,
                "command": p.supervisor_command(),
                "environment": p.supervisor_environment(),
                "autostart": "true" if p.autostart else "false",
            }
            for p in processes
        ],
    )


def write_configuration(settings: Settings, nginx: str, layout: Layout) -> list[Program]:
    """Write nginx.conf and supervisord.conf under ``layout``; return the programs."""
    for directory in (layout.base, layout.log_dir, layout.run_dir, layout.temp_dir):
        directory.mkdir(parents=True, exist_ok=True)
    layout.run_dir.chmod(0o700)
    processes = programs(settings, nginx, layout)
    layout.nginx_conf.write_text(nginx_config(settings, layout, run_as_root=os.geteuid() == 0))
    layout.supervisord_conf.write_text(supervisord_config(settings, layout, processes))
    return processes
