"""chibo-bot: the composition root and command line.

load config -> engine and sessions (migrated) -> handlers -> channels and scheduler -> run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import logging
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from channels import console, telegram, zalo
from channels.console import ConsoleChannel
from channels.plain import to_plain
from channels.telegram import TelegramStartError
from channels.zalo.runner import ZaloStartError
from core.clock import Clock, SystemClock
from core.config import Config, ConfigError, ServerConfig, load_config, mask_url
from core.i18n import Translator
from core.logs import Redactor, setup_logging
from handlers.context import AppContext
from handlers.dispatcher import Dispatcher
from handlers.exports import build_exports, save_exports
from handlers.privacy import erase_texts
from handlers.registry import ROUTER
from models import CommitteeRole, Membership, Person, Platform, Supervision
from models.backup import BackupError, backup, restore
from models.db import make_engine, make_sessionmaker
from models.migrate import upgrade
from ops.doctor import diagnose, report
from processes import POOLS, ProcessError, Role, check_role, run_process
from services import erasure
from services.demo import CELL as DEMO_CELL
from services.demo import DEMO_ROLES, seed_demo
from services.errors import DomainError
from services.names import find_by_name
from services.parsing import is_number
from services.roster import import_roster
from services.roster_file import RosterError, parse_rows, read_table

log = logging.getLogger("chibo")
# What each platform can do, as its channel declares it; handlers read it from the AppContext.
PLATFORMS = {
    Platform.TELEGRAM: telegram.TRAITS,
    Platform.ZALO: zalo.TRAITS,
    Platform.CONSOLE: console.TRAITS,
}
MAX_PROBLEMS_SHOWN = 100  # a file of 50,000 bad lines is refused with the first hundred reasons


class CliError(Exception):
    """A clear message for the operator; exit code 1, no traceback."""


def _first_line(error: BaseException) -> str:
    return (str(error).splitlines() or [""])[0]


@asynccontextmanager
async def open_app(
    config: Config, clock: Clock | None = None, *, pool: tuple[int, int] = POOLS[Role.RUN]
) -> AsyncIterator[AppContext]:
    """Engine, migrations and shared parts for one process; disposes the engine on exit."""
    engine = make_engine(config.database.url, pool_size=pool[0], max_overflow=pool[1])
    try:
        try:
            await upgrade(engine)
        except (SQLAlchemyError, OSError) as exc:
            where = mask_url(config.database.url)
            raise CliError(f"cannot open the database {where}: {type(exc).__name__}: {_first_line(exc)}") from None
        yield AppContext(
            config=config,
            sessions=make_sessionmaker(engine),
            clock=clock or SystemClock(),
            tr=Translator(config.bot.language),
            platforms=PLATFORMS,
        )
    finally:
        await engine.dispose()


async def cmd_db_upgrade(config: Config, _args: argparse.Namespace) -> None:
    async with open_app(config):
        print("database is at the newest schema")


async def cmd_backup(config: Config, args: argparse.Namespace) -> None:
    folder = Path(args.to) if args.to else Path(config.backup.dir)
    try:
        path = await backup(config.database.url, folder, SystemClock().now())
    except BackupError as exc:
        raise CliError(f"backup failed: {exc}") from None
    print(f"wrote {path}")


async def cmd_restore(config: Config, args: argparse.Namespace) -> None:
    try:
        await restore(config.database.url, Path(args.file))
    except BackupError as exc:
        raise CliError(f"restore refused, nothing was changed: {exc}") from None
    # A backup made by an older version is brought to the current schema at once.
    async with open_app(config):
        pass
    print(f"restored {args.file}; the database is at the newest schema")


async def cmd_doctor(config: Config, _args: argparse.Namespace) -> int:
    output, code = report(await diagnose(config, SystemClock()))
    print(output)
    return code


async def cmd_import(config: Config, args: argparse.Namespace) -> None:
    tr = Translator(config.bot.language)
    try:
        rows = parse_rows(read_table(Path(args.file)))
        async with open_app(config) as app:
            report = await import_roster(app.sessions, rows, now=app.clock.now())
    except RosterError as refusal:
        problems = [to_plain(tr.t(p.key, **p.args)) for p in refusal.problems[:MAX_PROBLEMS_SHOWN]]
        if len(refusal.problems) > MAX_PROBLEMS_SHOWN:
            problems.append(to_plain(tr.t("roster-more-problems", count=len(refusal.problems) - MAX_PROBLEMS_SHOWN)))
        raise CliError("\n  ".join([to_plain(tr.t("roster-refused")), *problems])) from None
    print(to_plain(tr.t("roster-report", file=args.file, **report.counts())))


async def cmd_export(config: Config, args: argparse.Namespace) -> None:
    async with open_app(config) as app:
        try:
            files = await build_exports(app, args.cell, args.year, args.meeting)
        except DomainError as refusal:
            raise CliError(to_plain(app.tr.t(refusal.key, **refusal.args_for_message))) from None
    for path in await asyncio.to_thread(save_exports, files, Path(args.out)):
        print(f"wrote {path}")


async def cmd_erase(config: Config, args: argparse.Namespace) -> None:
    """Erase one person's personal data: shown first, then confirmed by typing the id (or --yes)."""
    async with open_app(config) as app, app.sessions() as session:
        try:
            person_id = args.person
            if person_id is None:
                found = await erasure.people_named(session, args.name, args.cell)
                if len({pid for pid, _ in found}) != 1:
                    listing = "; ".join(f"#{pid} ({cell})" for pid, cell in found) or "nobody"
                    raise CliError(f"{args.name!r} matches {listing}; erase by --person ID")
                person_id = found[0][0]
            person = await erasure.person_to_erase(session, person_id)
            seen = await erasure.preview(session, person)
        except DomainError as refusal:
            raise CliError(to_plain(app.tr.t(refusal.key, **refusal.args_for_message))) from None
        print(
            f"person #{seen.person_id}: {seen.name} ({', '.join(seen.cells) or 'no cell'}); erases the name, phone, "
            f"{seen.accounts} chat accounts, {seen.reasons} absence reasons, {seen.opinions} opinion texts"
        )
        if not args.yes:
            print(f"type {seen.person_id} to confirm: ", end="", flush=True)
            answer = await asyncio.to_thread(sys.stdin.readline)
            if answer.strip() != str(seen.person_id):
                raise CliError("not confirmed; nothing was changed")
        placeholder, erased_text = erase_texts(app.tr, seen.person_id)
        await erasure.erase(
            session,
            person,
            placeholder=placeholder,
            erased_text=erased_text,
            actor_id=None,
            actor_label=f"cli:{getpass.getuser()}",
            now=app.clock.now(),
        )
        await session.commit()
    print(f"erased the personal data of person #{seen.person_id}")


async def _pick_person(app: AppContext, wanted: str | None) -> tuple[int, str]:
    async with app.sessions() as session:
        people = (
            await session.execute(
                select(Person.id, Person.full_name)
                .where(
                    Person.id.in_(select(Membership.person_id))
                    | Person.id.in_(select(Supervision.person_id))
                    | Person.id.in_(select(CommitteeRole.person_id))  # admins and supervisors of organisations
                )
                .order_by(Person.full_name)
            )
        ).all()
    if not people:
        raise CliError("nobody to chat as: import a roster first (python bot.py import FILE)")
    if wanted is not None:
        matches = find_by_name(people, wanted, lambda p: p.full_name)
        if len(matches) != 1:
            names = ", ".join(p.full_name for p in (matches or people)[:20])
            raise CliError(f"--as {wanted!r} matches {len(matches)} people; choose one of: {names}")
        return matches[0].id, matches[0].full_name
    print("Chat as which person?")
    for number, person in enumerate(people, start=1):
        print(f"  {number}. {person.full_name}")
    while True:
        print("number: ", end="", flush=True)
        answer = await asyncio.to_thread(sys.stdin.readline)
        if not answer:
            raise CliError("no person chosen")
        if is_number(answer.strip()) and 1 <= int(answer) <= len(people):
            chosen = people[int(answer) - 1]
            return chosen.id, chosen.full_name
        print(f"  type a number from 1 to {len(people)}")


async def _seed_demo(app: AppContext) -> None:
    """Seed the demo on first run and say whom to chat as."""
    schedule = app.config.schedule
    async with app.sessions() as session:
        if await seed_demo(
            session, app.clock.now(), schedule.zone, schedule.days[0], schedule.default_time, app.config.scoring
        ):
            await session.commit()
            print(f"seeded a demo committee and cell ({DEMO_CELL}): last month's meeting held, the next one planned")
    print("Demo people to chat as:")
    for name, shows in DEMO_ROLES:
        print(f"  {name} — {shows}")


async def cmd_console(config: Config, args: argparse.Namespace, *, demo: bool = False) -> None:
    async with open_app(config) as app:
        if demo:
            await _seed_demo(app)
        person_id, name = await _pick_person(app, args.as_name)
        console = ConsoleChannel(app, Dispatcher(app, ROUTER), person_id, name, sys.stdin, sys.stdout)
        await console.run()


async def cmd_run(config: Config, args: argparse.Namespace) -> None:
    if not config.telegram.token and not config.zalo.token:
        print(
            "No Telegram token configured: starting the console on the demo cell. "
            "To connect Telegram, set TELEGRAM_BOT_TOKEN (or [telegram] token in config.toml) and run again; "
            "for Zalo, ZALO_BOT_TOKEN (or [zalo] token)."
        )
        args.as_name = getattr(args, "as_name", None)
        await cmd_console(config, args, demo=True)
        return
    await run_role(config, Role.RUN)


def _listening(config: Config, listen: str | None) -> Config:
    """The configuration with `--listen` in place of `[server] listen`, for one process of several."""
    if not listen:
        return config
    try:
        server = ServerConfig.model_validate({**config.server.model_dump(), "listen": listen})
    except ValidationError:
        raise CliError(f"--listen {listen!r} must be host:port, e.g. 127.0.0.1:8001") from None
    return config.model_copy(update={"server": server})


async def cmd_serve(config: Config, args: argparse.Namespace) -> None:
    await run_role(_listening(config, args.listen), Role.SERVE)


async def cmd_worker(config: Config, args: argparse.Namespace) -> None:
    await run_role(_listening(config, args.listen), Role.WORKER)


async def run_role(config: Config, role: Role) -> None:
    """One process of the given role until SIGTERM (or Ctrl-C); a platform failing to start stops it."""
    try:
        check_role(config, role)
    except ProcessError as exc:
        raise CliError(str(exc)) from None
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        loop.add_signal_handler(signal.SIGTERM, stop.set)
    try:
        async with open_app(config, pool=POOLS[role]) as app:
            await run_process(app, role, stop)
    except (TelegramStartError, ZaloStartError) as failed:
        raise CliError(str(failed)) from None
    except OSError as exc:  # the listen address is taken or not ours
        raise CliError(f"cannot listen on {config.server.listen}: {exc.strerror or exc}") from None
    finally:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGTERM)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bot.py",
        description="chibo-bot: reminders, attendance and summaries for party-cell meetings.",
    )
    parser.add_argument(
        "--config", type=Path, default=None, help="TOML configuration file (default: config.toml if present)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    run = sub.add_parser("run", help="run the bot on the configured chat platforms (console demo without a token)")
    run.add_argument("--as", dest="as_name", help="in console demo mode, chat as this person")
    run.set_defaults(func=cmd_run)
    serve = sub.add_parser(
        "serve",
        help="receive webhook updates for every configured platform on [server] listen (no scheduler)",
        description="Receive webhook updates (Telegram, Zalo) on [server] listen and answer them; "
        'also /healthz. Stateless: run several behind a reverse proxy. Needs mode = "webhook".',
    )
    serve.set_defaults(func=cmd_serve)
    worker = sub.add_parser(
        "worker",
        help="run the scheduled jobs and send the outbox (one worker sends at a time, others stand by)",
        description="Scheduled jobs (planning, reminders, closing check-ins, digest, menus) and the "
        "outbox senders. Run two or more: one sends for each bot, the others take over within 10 s.",
    )
    worker.set_defaults(func=cmd_worker)
    for role in (serve, worker):
        role.add_argument(
            "--listen",
            metavar="HOST:PORT",
            help="this process's /healthz and /metrics address, instead of [server] listen",
        )
    console = sub.add_parser("console", help="chat with the bot in this terminal as a chosen member")
    console.add_argument("--as", dest="as_name", metavar="NAME", help='full name of the member, e.g. "Nguyễn Văn An"')
    console.set_defaults(func=cmd_console)
    importer = sub.add_parser(
        "import", help="import or update a cell roster from .csv or .xlsx (the whole file or nothing)"
    )
    importer.add_argument("file", help="roster file with columns chi_bo, ho_ten and optional others")
    importer.set_defaults(func=cmd_import)
    exporter = sub.add_parser(
        "export", help="write a cell's attendance register (.xlsx) and a minutes draft (.docx) for one year"
    )
    exporter.add_argument("--cell", required=True, metavar="NAME", help='cell name, e.g. "Chi bộ Khu phố 1"')
    exporter.add_argument("--year", required=True, metavar="YYYY", help="calendar year of the register")
    exporter.add_argument("--meeting", metavar="DD/MM", help="meeting for the minutes (default: the year's last)")
    exporter.add_argument("--out", default=".", metavar="DIR", help="folder for the files (default: here)")
    exporter.set_defaults(func=cmd_export)
    eraser = sub.add_parser("erase", help="erase one person's personal data on request (counts are kept)")
    who = eraser.add_mutually_exclusive_group(required=True)
    who.add_argument("--person", type=int, metavar="ID", help="the person's id (shown by /xoadulieu <name>)")
    who.add_argument("--name", metavar="NAME", help="exact full name; add --cell when several share it")
    eraser.add_argument("--cell", metavar="CELL", help="cell name, with --name")
    eraser.add_argument("--yes", action="store_true", help="do not ask to type the id to confirm")
    eraser.set_defaults(func=cmd_erase)
    backup_cmd = sub.add_parser("backup", help="write a consistent copy of the database, also while the bot runs")
    backup_cmd.add_argument("--to", metavar="DIR", help="folder for the backup (default: [backup] dir)")
    backup_cmd.set_defaults(func=cmd_backup)
    restore_cmd = sub.add_parser("restore", help="restore a backup into an empty database")
    restore_cmd.add_argument("file", help="a file written by 'bot.py backup' (.sqlite or .pgdump)")
    restore_cmd.set_defaults(func=cmd_restore)
    doctor = sub.add_parser("doctor", help="check the configuration, database, tokens, webhooks and linked chats")
    doctor.set_defaults(func=cmd_doctor)
    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_upgrade = db_sub.add_parser("upgrade", help="apply database migrations (also done at every start)")
    db_upgrade.set_defaults(func=cmd_db_upgrade)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = load_config(args.config)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    setup_logging(
        config.secrets(),
        logging.WARNING if args.command in ("console", "import", "backup", "restore", "doctor") else logging.INFO,
        config.log.format,
    )
    redact = Redactor(config.secrets())
    try:
        code = asyncio.run(args.func(config, args))
    except CliError as exc:
        print(redact(f"error: {exc}"), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception:
        # Through the log, whose formatter redacts tokens and the database password from the traceback.
        log.exception("chibo-bot stopped on an unexpected error")
        return 1
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
