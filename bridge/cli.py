"""Command line for operators: `python -m bridge.cli create-admin --org ... --email ...`.

There is no default password: the command asks for one (twice), or reads it from stdin
with --password-stdin (for scripts and tests). Run `alembic upgrade head` first.

`python -m bridge.cli retention --dry-run` shows what the retention job would delete now;
`--run` deletes it (taking the same lock as the job inside the bridge).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.exc import OperationalError, ProgrammingError

from bridge.core.config import get_settings
from bridge.core.db import get_engine, get_sessionmaker
from bridge.core.logging import configure_logging
from bridge.models import StaffRole
from bridge.privacy.retention import RetentionPolicy, run_scheduled
from bridge.privacy.tracker_store import RasaTrackerStore, TrackerStoreUnavailable
from bridge.services.staff import WeakPassword, create_staff_account


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Wachtwoord: ")
    if first != getpass.getpass("Nog een keer: "):
        raise SystemExit("De wachtwoorden zijn niet gelijk; er is niets aangemaakt.")
    return first


def _create(args: argparse.Namespace, role: StaffRole) -> int:
    password = _read_password(args.password_stdin)
    try:
        with get_sessionmaker()() as session:
            account = create_staff_account(
                session,
                organisation=args.org,
                email=args.email,
                password=password,
                display_name=args.name or args.email.split("@")[0],
                role=role,
            )
            print(f"Account aangemaakt: {account.email} ({account.role}, {args.org})")
    except (WeakPassword, ValueError) as error:
        print(f"Niet aangemaakt: {error}", file=sys.stderr)
        return 1
    except (OperationalError, ProgrammingError):
        print(
            "De database is niet klaar: voer eerst `alembic -c bridge/alembic.ini upgrade head` uit.", file=sys.stderr
        )
        return 1
    return 0


RETENTION_LINES = (  # (field, label, is it a deletion)
    ("conversations", "gesprekken", True),
    ("messages", "berichten", True),
    ("cases", "overdrachten bij die gesprekken", True),
    ("summaries_created", "afgesloten zaken bewaard als samenvatting (zonder transcript)", False),
    ("summaries", "samenvattingen na hun eigen bewaartermijn", True),
    ("trackers", "Rasa-trackers", True),
    ("kept_open", "verlopen gesprekken bewaard omdat de zaak nog open is", False),
    ("audit_entries", "regels uit het audit-log", True),
    ("login_attempts", "mislukte inlogpogingen", True),
    ("staff_sessions", "verlopen inlogsessies van medewerkers", True),
)


def _retention(args: argparse.Namespace) -> int:
    settings = get_settings()
    configure_logging(pseudonym_key=settings.log_pseudonym_key or None)
    tracker_store = RasaTrackerStore.from_settings(settings)
    policy = RetentionPolicy.from_settings(settings)
    try:
        outcome = run_scheduled(
            get_engine(),
            tracker_store,
            policy,
            interval_seconds=settings.retention_interval_seconds,
            force=True,
            dry_run=args.dry_run,
        )
    except (OperationalError, ProgrammingError):
        print(
            "De database is niet klaar: voer eerst `alembic -c bridge/alembic.ini upgrade head` uit.", file=sys.stderr
        )
        return 1
    except TrackerStoreUnavailable:
        print("De tracker-opslag van Rasa is niet bereikbaar; probeer het later opnieuw.", file=sys.stderr)
        return 1
    finally:
        tracker_store.close()
    if not outcome.ran or outcome.report is None:
        print("De bewaartermijn-taak draait al ergens anders; probeer het later opnieuw.", file=sys.stderr)
        return 1
    report = outcome.report.as_dict()
    verb = "zou verwijderen" if args.dry_run else "verwijderd"
    print(
        f"Bewaartermijn: gesprekken {policy.transcript_days} dagen, samenvattingen {policy.case_summary_days} dagen, "
        f"audit-log {policy.audit_log_days} dagen, inlogpogingen {policy.login_attempt_days} dagen."
    )
    for key, label, deleted in RETENTION_LINES:
        print(f"{report[key]:>8}  {label}" + (f" ({verb})" if deleted else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m bridge.cli", description="Beheer van Elke Deur.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("create-admin", "maak een beheerder-account aan (de eerste keer)"),
        ("create-staff", "maak een account voor een medewerker of coördinator aan"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--org", required=True, help='organisatie = wachtrij, bv. "UWV" of "Gemeente Almere"')
        command.add_argument("--email", required=True)
        command.add_argument("--name", help="naam die inwoners zien, bv. een voornaam")
        command.add_argument("--password-stdin", action="store_true", help="lees het wachtwoord van stdin")
        if name == "create-staff":
            command.add_argument("--role", choices=["medewerker", "coordinator"], default="medewerker")
    retention = commands.add_parser("retention", help="verwijder gegevens na hun bewaartermijn")
    mode = retention.add_mutually_exclusive_group(required=True)
    mode.add_argument("--dry-run", action="store_true", help="alleen tellen wat weg zou gaan")
    mode.add_argument("--run", action="store_true", help="nu verwijderen")
    args = parser.parse_args(argv)
    if args.command == "retention":
        return _retention(args)
    role = StaffRole.BEHEERDER if args.command == "create-admin" else StaffRole(args.role)
    return _create(args, role)


if __name__ == "__main__":
    sys.exit(main())
