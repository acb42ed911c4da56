"""Command line for operators: `python -m bridge.cli create-admin --org ... --email ...`.

There is no default password: the command asks for one (twice), or reads it from stdin
with --password-stdin (for scripts and tests). Run `alembic upgrade head` first.
"""

from __future__ import annotations

import argparse
import getpass
import sys

from sqlalchemy.exc import OperationalError, ProgrammingError

from bridge.core.db import get_sessionmaker
from bridge.models import StaffRole
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
                session, organisation=args.org, email=args.email, password=password,
                display_name=args.name or args.email.split("@")[0], role=role,
            )
            print(f"Account aangemaakt: {account.email} ({account.role}, {args.org})")
    except (WeakPassword, ValueError) as error:
        print(f"Niet aangemaakt: {error}", file=sys.stderr)
        return 1
    except (OperationalError, ProgrammingError):
        print("De database is niet klaar: voer eerst `alembic -c bridge/alembic.ini upgrade head` uit.", file=sys.stderr)
        return 1
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
    args = parser.parse_args(argv)
    role = StaffRole.BEHEERDER if args.command == "create-admin" else StaffRole(args.role)
    return _create(args, role)


if __name__ == "__main__":
    sys.exit(main())
