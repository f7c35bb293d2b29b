"""The deployment files in deploy/ are valid as written: systemd units pass `systemd-analyze
verify` and the nginx site passes `nginx -t` (each where the tool is installed), with only the
installation paths pointed at this checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
UNITS = ("chibo-run.service", "chibo-serve@.service", "chibo-worker@.service")


def installed_here(text: str, tmp_path: Path) -> str:
    """The unit as it would be installed, with this checkout, its Python and a real env file."""
    env = tmp_path / "env"
    env.write_text("DATABASE_URL=sqlite+aiosqlite:///data/chibo.db\n", encoding="utf-8")
    return (
        text.replace("/opt/chibo-bot/.venv/bin/python", sys.executable)
        .replace("/opt/chibo-bot", str(ROOT))
        .replace("/etc/chibo/env", str(env))
        .replace("User=chibo", "User=root")
    )


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_systemd_units_verify(tmp_path: Path) -> None:
    for name in UNITS:
        (tmp_path / name).write_text(installed_here((DEPLOY / name).read_text(encoding="utf-8"), tmp_path))
    targets = [
        tmp_path / "chibo-run.service",
        tmp_path / "chibo-serve@8001.service",
        tmp_path / "chibo-worker@01.service",
    ]
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, targets)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "chibo" not in result.stderr, result.stderr  # no warning about our units either


def test_the_units_run_the_commands_that_exist() -> None:
    units = {name: (DEPLOY / name).read_text(encoding="utf-8") for name in UNITS}
    assert "serve --listen 127.0.0.1:%i" in units["chibo-serve@.service"]
    assert " worker --listen 127.0.0.1:89%i" in units["chibo-worker@.service"]
    assert " run\n" in units["chibo-run.service"]
    help_text = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "serve", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--listen" in help_text
    worker_help = subprocess.run(
        [sys.executable, str(ROOT / "bot.py"), "worker", "--help"], capture_output=True, text=True, check=True
    ).stdout
    assert "--listen" in worker_help


@pytest.mark.skipif(shutil.which("nginx") is None, reason="nginx is not installed")
def test_the_nginx_site_passes_nginx_t(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed for a throwaway certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    throwaway = ("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=bot.example.vn", "-days", "1")
    subprocess.run(
        ["openssl", *throwaway, "-keyout", str(key), "-out", str(cert)],
        capture_output=True,
        check=True,
        timeout=60,
    )
    site = (DEPLOY / "nginx-chibo.conf").read_text(encoding="utf-8")
    site = site.replace("/etc/letsencrypt/live/bot.example.vn/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/bot.example.vn/privkey.pem", str(key))
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  access_log off;\n  include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        ["nginx", "-t", "-c", str(main), "-p", str(tmp_path)], capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr
