from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from core.config import ConfigError, load_config

TOKEN = "123456:ABCdefGHIjklMNOpqrSTUvwxYZ012345"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = load_config(None, environ={})
    assert config.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert config.schedule.days == (3, 4, 5)
    assert config.schedule.meeting_time == "19:30"
    assert config.schedule.checkin_minutes == 150
    assert config.reminders.deltas == [timedelta(days=3), timedelta(days=1), timedelta(hours=2)]
    assert config.database.url.startswith("sqlite+aiosqlite:///data/")
    assert config.telegram.base_url == "https://api.telegram.org/bot"
    assert config.scoring.total == 100
    assert config.digest.moment[0] == 0


def test_skip_dates_expand_ranges(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, '[schedule]\nskip_dates = ["2027-02-05..2027-02-07", "2027-03-04"]\n'), environ={}
    )
    assert len(config.schedule.skipped) == 4


def test_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parent.parent / "config.example.toml"
    config = load_config(example, environ={})
    assert config.schedule.meeting_days == "3-5"


def test_environment_overrides_secrets(tmp_path: Path) -> None:
    path = write(tmp_path, '[telegram]\ntoken = ""\n[database]\nurl = "sqlite+aiosqlite:///x.db"\n')
    config = load_config(
        path,
        environ={
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "DATABASE_URL": "postgresql+asyncpg://u@h/db",
            "ZALO_BOT_TOKEN": "42:zalosecretvalue",
        },
    )
    assert config.zalo.token == "42:zalosecretvalue"
    assert config.telegram.token == TOKEN
    assert config.database.url == "postgresql+asyncpg://u@h/db"
    assert config.secrets() == [TOKEN, "42:zalosecretvalue"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[schedule]\nmeeting_days = "3-32"\n', "schedule.meeting_days = '3-32'"),
        ('[schedule]\nmeeting_days = "5-3"\n', "runs backwards"),
        ('[schedule]\ntimezone = "Asia/Hanoi_City"\n', "schedule.timezone = 'Asia/Hanoi_City': timezone"),
        ('[schedule]\nmeeting_time = "25:00"\n', "schedule.meeting_time = '25:00'"),
        ('[schedule]\ncheckin_minutes = "many"\n', "schedule.checkin_minutes = 'many'"),
        ("[schedule]\ncheckin_minutes = 0\n", "schedule.checkin_minutes = 0"),
        ('[reminders]\noffsets = ["3x"]\n', "reminders.offsets = ['3x']"),
        ('[reminders]\noffsets = ["1d", "24h"]\n', "repeat the same moment"),
        ('[schedule]\nmeting_days = "3-5"\n', "schedule.meting_days: unknown key"),
        ("[backup]\nkeep = 0\n", "backup.keep = 0"),
        ('[backup]\ndaily_at = "3h"\n', "backup.daily_at = '3h'"),
        ('[backup]\ndir = "  "\n', "backup.dir = '  '"),
        ('[telegrm]\ntoken = "x"\n', "telegrm: unknown key"),
        ('[telegram]\nadmin_ids = ["boss"]\n', "telegram.admin_ids.0 = 'boss'"),
        ('[telegram]\nbase_url = "ftp://x"\n', "telegram.base_url = 'ftp://x'"),
        ('[database]\nurl = "mysql://x"\n', "database.url = 'mysql://x'"),
        ('[bot]\nlanguage = "fr"\n', "bot.language = 'fr'"),
        ('[log]\nformat = "xml"\n', "log.format = 'xml'"),
        ('[log]\nlevel = "debug"\n', "log.level: unknown key"),
        ('[schedule]\nskip_dates = ["2027-02-30"]\n', "schedule.skip_dates = ['2027-02-30']"),
        ('[schedule]\nskip_dates = ["2027-02-10..2027-02-05"]\n', "FIRST not after LAST"),
        ("[telegram]\nrate_per_second = 100\n", "telegram.rate_per_second = 100"),
        ('[digest]\nweekly = "monday 7h"\n', "digest.weekly = 'monday 7h'"),
        ('[digest]\nmonthly = "31 08:00"\n', "a day from 1 to 28"),
        ('[digest]\nmonthly = "10"\n', "digest.monthly = '10'"),
        ('[digest]\nmonthly = "10 25:00"\n', "digest.monthly = '10 25:00'"),
        ("[scoring]\nratings = { tot = 50, kha = 70 }\n", "from the highest threshold down"),
        ('[scoring]\nattendance_part = "xyz"\n', "scoring.attendance_part 'xyz' is not one of"),
        ('[zalo]\nmode = "push"\n', "zalo.mode = 'push'"),
        ('[zalo]\npublic_url = "https://x"\n', "zalo.public_url has moved: set public_url in the [server] section"),
        ('[zalo]\nlisten = "0.0.0.0:80"\n', "zalo.listen has moved: set listen in the [server] section"),
        ('[zalo]\nwebhook_secret = "short"\n', "zalo.webhook_secret"),
        ('[zalo]\ntoken = "1:abcdefghij"\nmode = "webhook"\n', "needs server.public_url and zalo.webhook_secret"),
        ('[server]\nlisten = "nowhere"\n', "server.listen = 'nowhere'"),
        ('[server]\nlisten = "host:70000"\n', "server.listen = 'host:70000'"),
        ('[server]\npublic_url = "ftp://x"\n', "server.public_url = 'ftp://x'"),
        ('[server]\npublic_url = "https://bot example.vn"\n', "must not hold spaces"),
        ('[telegram]\nmode = "push"\n', "telegram.mode = 'push'"),
        ('[telegram]\nwebhook_secret = "short"\n', "telegram.webhook_secret"),
        ('[telegram]\nwebhook_secret = "has spaces in it"\n', "8 to 256 characters from A-Z"),
        ('[telegram]\nwebhook_secret = "dấu-tiếng-việt"\n', "8 to 256 characters from A-Z"),
        (f'[telegram]\nwebhook_secret = "{"x" * 257}"\n', "8 to 256 characters"),
        (f'[telegram]\ntoken = "{TOKEN}"\nmode = "webhook"\n', "needs server.public_url and telegram.webhook_secret"),
        (
            f'[telegram]\ntoken = "{TOKEN}"\nmode = "webhook"\nwebhook_secret = "abcdefgh"\n',
            "needs server.public_url and telegram.webhook_secret",
        ),
    ],
)
def test_bad_values_stop_start_up_naming_key_and_value(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    assert expected in str(caught.value)
    assert "Traceback" not in str(caught.value)


def test_a_bad_token_is_refused_without_printing_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, '[telegram]\ntoken = "oops-secret-value"\n'), environ={})
    assert "oops-secret-value" not in str(caught.value)
    assert "telegram.token" in str(caught.value)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[schedule\n"), environ={})
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "absent.toml", environ={})
    (tmp_path / "latin.toml").write_bytes(b'[bot]\nlanguage = "vi\xe9"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(tmp_path / "latin.toml", environ={})


def test_webhook_settings_are_read(tmp_path: Path) -> None:
    """The interface of issue 12: [telegram] mode and webhook_secret, [server] listen and public_url."""
    text = (
        f'[telegram]\ntoken = "{TOKEN}"\nmode = "webhook"\nwebhook_secret = "Abc_123-xyz"\n'
        '[server]\nlisten = "127.0.0.1:0"\npublic_url = "http://127.0.0.1:9000/"\n'
    )
    config = load_config(write(tmp_path, text), environ={})
    assert config.telegram.mode == "webhook"
    assert config.server.listen == "127.0.0.1:0"
    assert config.server.public_url == "http://127.0.0.1:9000"
    assert "Abc_123-xyz" in config.secrets()
    assert load_config(None, environ={}).telegram.mode == "polling"


def test_a_bad_webhook_secret_is_not_printed(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, '[telegram]\nwebhook_secret = "secret with space"\n'), environ={})
    assert "secret with space" not in str(caught.value)


def test_a_moved_key_does_not_print_the_section(tmp_path: Path) -> None:
    text = '[zalo]\ntoken = "1:abcdefghijsecret"\nlisten = "127.0.0.1:8443"\n'
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    assert "server.listen" in str(caught.value)
    assert "abcdefghijsecret" not in str(caught.value)


# Values that validated before and then broke the running bot: every dispatch run failed (no
# reminder was ever sent again), a traceback at start, or a crash when a channel started.
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[reminders]\noffsets = []\n", "reminders.offsets = []: offsets must list 1 to 10"),
        (
            '[reminders]\noffsets = ["3000000d"]\n',
            "reminders.offsets = ['3000000d']: offset '3000000d' is more than 60",
        ),
        ('[reminders]\noffsets = ["99999999999999999999d"]\n', "reminders.offsets = ['99999999999999999999d']"),
        ('[reminders]\noffsets = ["61d"]\n', "more than 60 days"),
        ('[reminders]\noffsets = ["1441h"]\n', "more than 60 days"),
        (f"[reminders]\noffsets = {[f'{n}h' for n in range(1, 12)]}\n", "offsets must list 1 to 10"),
        (
            '[zalo]\nbase_url = "https://bot-api.zaloplatforms.com"\n',
            "zalo.base_url = 'https://bot-api.zaloplatforms.com'",
        ),
        ('[telegram]\nbase_url = "https://api.telegram.org/"\n', "must end with /bot"),
        ('[telegram]\nbase_url = "https:///bot"\n', "has no host"),
        ('[telegram]\nbase_url = "https://api.telegram.org:99999/bot"\n', "telegram.base_url"),
        ('[telegram]\nbase_url = "https://api.telegram.org/bot?x=1"\n', "must not hold spaces, a query"),
        ('[server]\npublic_url = "https://"\n', "server.public_url = 'https://': 'https://' has no host"),
        ('[zalo]\nwebhook_secret = "mật khẩu dài hơn tám"\n', "zalo.webhook_secret = '***': webhook_secret must be"),
        ('[database]\nurl = "sqlite+aiosqlite://"\n', "database.url = 'sqlite+aiosqlite://': url names no database"),
        ('[database]\nurl = "postgresql+asyncpg://u@h:port/db"\n', "url is not a database address"),
        ('[schedule]\nskip_dates = ["2027-01-01..2099-12-31"]\n', "is longer than 366 days"),
        ("[scoring]\nparts = {}\nattendance_part = 'x'\n", "parts must name 1 to 10 parts"),
        ('[scoring]\nparts = { "Chuẩn bị" = 50, ty_le_du_hop = 50 }\n', "part name 'Chuẩn bị' must be lowercase"),
        ("[scoring]\nratings = { tot = 150, kha = 70 }\n", "threshold above the rubric's total 100"),
        (f"[scoring]\nratings = {{ {'x' * 40} = 90 }}\n", "rating names must be 1 to 32"),
    ],
)
def test_values_that_would_break_later_are_refused_in_one_line(tmp_path: Path, text: str, expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    message = str(caught.value)
    assert expected in message
    assert len(message.splitlines()) == 1


def test_reminder_offsets_up_to_sixty_days_are_accepted(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[reminders]\noffsets = ["30m", "60d", "1439h"]\n'), environ={})
    assert [o.days for o in config.reminders.schedule] == [60, 0, 0]
    assert config.reminders.deltas == [timedelta(days=60), timedelta(hours=1439), timedelta(minutes=30)]


def test_a_secret_written_into_a_url_is_not_echoed(tmp_path: Path) -> None:
    text = f'[telegram]\ntoken = "{TOKEN}"\nbase_url = "https://api.telegram.org/bot{TOKEN}"\n'
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text), environ={})
    assert "telegram.base_url" in str(caught.value)
    assert TOKEN not in str(caught.value)
    assert TOKEN.split(":")[1] not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[reminders]\noffsets = []\n", "reminders.offsets"),
        ('[reminders]\noffsets = ["3000000d"]\n', "reminders.offsets"),
        ('[reminders]\noffsets = ["99999999999999999999d"]\n', "reminders.offsets"),
        ('[zalo]\ntoken = "42:zalosecretvalue"\nbase_url = "http://127.0.0.1:9"\n', "zalo.base_url"),
    ],
)
def test_bot_run_stops_with_one_line_and_no_traceback(tmp_path: Path, text: str, key: str) -> None:
    write(tmp_path, text + f'[database]\nurl = "sqlite+aiosqlite:///{tmp_path}/bot.db"\n')
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve().parent.parent / "bot.py"), "run"],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", ""), "HOME": str(tmp_path)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"config.toml: {key} = ")
    assert "Traceback" not in done.stderr + done.stdout
    assert "zalosecretvalue" not in done.stderr + done.stdout
