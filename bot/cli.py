"""`officebot` command line: run, sandbox, db upgrade, admin (offices, invites, import, WeCom), jobs."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.settings import Settings, SettingsError, load_settings
from domain.attendance import DEFAULT_WORKING_HOURS

if TYPE_CHECKING:
    from bot.bootstrap import Runtime
    from bot.wecom.api import WeComApi


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    args = _parser().parse_args(argv)
    try:
        settings = load_settings(**({"DATABASE_URL": args.database} if getattr(args, "database", None) else {}))
    except SettingsError as exc:
        print(f"officebot: {exc}", file=sys.stderr)
        return 2
    try:
        return int(args.func(settings, args) or 0)
    except (ValueError, LookupError) as exc:
        print(f"officebot: {exc}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    """The argument grammar."""
    parser = argparse.ArgumentParser(prog="officebot", description="Branch-office bot")
    parser.add_argument("--database", help="override DATABASE_URL")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("run", help="apply migrations and run the bot (the sandbox when no token is set)") \
        .set_defaults(func=_run)
    sandbox = sub.add_parser("sandbox", help="run the bot against a local Bot API stand-in with demo data")
    sandbox.add_argument("--port", type=int, default=None, help="web page port (default 8080)")
    sandbox.set_defaults(func=_sandbox)
    db = sub.add_parser("db", help="database commands").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply all migrations").set_defaults(func=_db_upgrade)
    admin = sub.add_parser("admin", help="offices and staff").add_subparsers(dest="admin_command", required=True)
    office = admin.add_parser("create-office", help="create a branch office")
    office.add_argument("--name", required=True)
    office.add_argument("--timezone", default=None)
    office.add_argument("--hours", default=str(DEFAULT_WORKING_HOURS),
                        help=f"working hours (default {DEFAULT_WORKING_HOURS})")
    office.add_argument("--address", default=None)
    office.add_argument("--geofence", default=None, help="lat,lon,radius_m (WGS-84)")
    office.add_argument("--hq", action="store_true", help="this is headquarters")
    office.set_defaults(func=_create_office)
    inv = admin.add_parser("invite", help="invite a person; prints the code on the last line")
    inv.add_argument("--office", required=True)
    inv.add_argument("--role", required=True, help="one role or several, comma-separated: sales, 销售, 业务员…")
    inv.add_argument("--name", required=True)
    inv.add_argument("--phone", default=None)
    inv.add_argument("--manager", default=None, help="the manager's name")
    inv.set_defaults(func=_invite)
    imp = admin.add_parser("import", help="import offices and staff from YAML or staff from CSV")
    imp.add_argument("file")
    imp.set_defaults(func=_import)
    sync = admin.add_parser("sync-wecom", help="bind staff to WeCom members: departments = offices by name")
    sync.add_argument("--create", action="store_true",
                      help="create staff (active, with --role) for members matching nobody in their office")
    sync.add_argument("--role", default="sales", help="role of created staff (default sales)")
    sync.add_argument("--progress-every", type=int, default=200, metavar="N",
                      help="a progress line on stderr every N members (default 200)")
    sync.set_defaults(func=_sync_wecom)
    admin.add_parser("wecom-menu", help="publish the WeCom app menu (签到, 周报, 审批, 客户…)") \
        .set_defaults(func=_wecom_menu)
    jobs = sub.add_parser("jobs", help="scheduled jobs")
    jobs.add_argument("name", nargs="?", help="run this job now (omit to list them)")
    jobs.set_defaults(func=_jobs)
    return parser


def _runtime(settings: Settings) -> Runtime:
    """Migrate, then build the runtime."""
    from bot.bootstrap import bootstrap
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    return bootstrap(settings)


def _db_upgrade(settings: Settings, _args: argparse.Namespace) -> int:
    """officebot db upgrade."""
    from storage.migrate import upgrade

    upgrade(settings.database_url)
    print("database is up to date")
    return 0


def _create_office(settings: Settings, args: argparse.Namespace) -> int:
    """officebot admin create-office."""
    from services.people import onboarding
    from services.people.importer import parse_hours
    from services.platform import zones

    runtime = _runtime(settings)
    start, end = parse_hours(args.hours)
    fence = None
    if args.geofence:
        lat, lon, radius = (part.strip() for part in args.geofence.split(","))
        fence = (float(lat), float(lon), int(radius))
    office_id = onboarding.create_office(
        runtime.app.uow(), name=args.name, timezone=args.timezone or zones.company_zone_name(), now=runtime.app.now(),
        work_start=start, work_end=end, address=args.address, geofence=fence, is_hq=args.hq,
    )
    print(f"office created: {args.name} (id {office_id})")
    return 0


def _invite(settings: Settings, args: argparse.Namespace) -> int:
    """officebot admin invite: the code alone on the last line, for scripts."""
    from services.people import onboarding

    runtime = _runtime(settings)
    code = onboarding.invite(
        runtime.app.uow(), office_name=args.office, roles=args.role,
        name=args.name, phone=args.phone, manager_name=args.manager, now=runtime.app.now(),
        locale=settings.locale,
    )
    print(f"invite for {args.name}: the person sends /start {code} to the bot (valid 14 days)")
    print(code)
    return 0


def _import(settings: Settings, args: argparse.Namespace) -> int:
    """officebot admin import FILE: a line per invite on stdout, a warning per userid left out on stderr."""
    from services.people.importer import import_file

    runtime = _runtime(settings)
    result = import_file(runtime.app.uow, path=args.file, now=runtime.app.now())
    for name, code in result.codes:
        print(f"{name}\t{code}")
    for problem in result.problems:
        print(f"officebot: warning: {problem}", file=sys.stderr)
    return 0


def _sync_wecom(settings: Settings, args: argparse.Namespace) -> int:
    """officebot admin sync-wecom [--create] [--role R]: progress on stderr, the summary on stdout."""
    from bot.wecom.api import WeComError
    from services.wecom.directory import sync_directory

    runtime = _runtime(settings)
    every = max(1, args.progress_every)
    try:
        departments, members = asyncio.run(_fetch_wecom_directory(settings, runtime, every=every))
    except WeComError as exc:
        print(f"officebot: {exc}", file=sys.stderr)
        return 1
    summary = sync_directory(
        runtime.app.uow(), departments=departments, members=members, now=runtime.app.now(), create=args.create,
        default_role=args.role, progress_every=every,
        progress=lambda done, total: print(f"matched {done}/{total} members", file=sys.stderr),
    )
    for line in summary.lines():
        print(line)
    return 0


async def _fetch_wecom_directory(
    settings: Settings, runtime: Runtime, *, every: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every department, then each one's own members (one call each, so progress can be shown)."""
    async with _wecom_api(settings, runtime) as api:
        departments = await api.departments()
        members: dict[str, dict[str, Any]] = {}
        reported = 0
        for done, department in enumerate(departments, start=1):
            for member in await api.users(int(department["id"]), fetch_child=False):
                members.setdefault(str(member.get("userid")), member)
            if len(members) - reported >= every or done == len(departments):
                reported = len(members)
                print(f"fetched {reported} members ({done}/{len(departments)} departments)", file=sys.stderr)
    return departments, list(members.values())


def _wecom_api(settings: Settings, runtime: Runtime) -> WeComApi:
    """The WeCom client for the admin commands, with the secret registered for log redaction."""
    from bot import redaction
    from bot.wecom.api import WeComApi

    redaction.install([settings.wecom_secret])
    return WeComApi.from_settings(settings, runtime.app.uow)


def _wecom_menu(settings: Settings, _args: argparse.Namespace) -> int:
    """officebot admin wecom-menu: replace the app's menu with bot/wecom/menu.py's."""
    from bot.wecom.api import WeComError
    from bot.wecom.menu import menu_body

    runtime = _runtime(settings)
    body = menu_body()

    async def publish() -> None:
        async with _wecom_api(settings, runtime) as api:
            await api.create_menu(body)

    try:
        asyncio.run(publish())
    except WeComError as exc:
        print(f"officebot: {exc}", file=sys.stderr)
        return 1
    for button in body["button"]:
        print(f"{button['name']}: " + ", ".join(f"{b['name']} {b['key']}" for b in button["sub_button"]))
    return 0


def _jobs(settings: Settings, args: argparse.Namespace) -> int:
    """officebot jobs [NAME]: list the scheduled jobs or run one now."""
    from schedules.runner import JOBS, run_job_now

    if not args.name:
        for name in JOBS:
            print(name)
        return 0
    runtime = _runtime(settings)
    print(asyncio.run(run_job_now(runtime.app, args.name)))
    return 0


def _run(settings: Settings, _args: argparse.Namespace) -> int:
    """officebot run: Telegram (polling, or webhook when OFFICEBOT_WEBHOOK_URL is set), WeCom, or both;
    the sandbox when neither is configured."""
    if not settings.telegram_bot_token and not settings.wecom_configured:
        print("Neither TELEGRAM_BOT_TOKEN nor the WECOM_* settings are set: starting the local sandbox instead.",
              file=sys.stderr)
        return _sandbox(settings, argparse.Namespace(port=None))
    asyncio.run(_serve(_runtime(settings)))
    return 0


async def _serve(runtime: Runtime) -> None:
    """Serve until SIGINT or SIGTERM; the garbage collector tuned once the bot is up (bot/collector.py)."""
    import signal

    from bot import collector
    from bot.serve import serve

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    listening: asyncio.Future[int] = loop.create_future()
    serving = asyncio.create_task(serve(runtime, stop, listening=listening))
    await asyncio.wait((listening, serving), return_when=asyncio.FIRST_COMPLETED)
    if listening.done():
        collector.tune()
    await serving


def _sandbox(settings: Settings, args: argparse.Namespace) -> int:
    """officebot sandbox: the stand-in, the demo company and the bot, in one process."""
    from bot.sandbox import run_sandbox

    port = args.port if args.port is not None else settings.sandbox_port
    if "DATABASE_URL" not in _env_keys() and not getattr(args, "database", None):
        settings = settings.model_copy(update={"database_url": "sqlite:///officebot-sandbox.sqlite3"})
    asyncio.run(run_sandbox(settings, port=port))
    return 0


def _env_keys() -> set[str]:
    """Names set in the environment (to tell an explicit DATABASE_URL from the default)."""
    import os

    return set(os.environ)

