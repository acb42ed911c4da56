"""Staff accounts: passwords, sessions, login throttling and the audit log."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from pwdlib import PasswordHash
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bridge.models import AuditLog, LoginAttempt, Organisation, StaffAccount, StaffRole, StaffSession

MIN_PASSWORD_LENGTH = 12
SESSION_LIFETIME = timedelta(hours=8)
SESSION_IDLE_TIMEOUT = timedelta(hours=1)
THROTTLE_WINDOW = timedelta(minutes=15)
# Failed logins allowed within THROTTLE_WINDOW before further attempts are refused.
MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS = 5
MAX_FAILURES_PER_ACCOUNT = 20
MAX_FAILURES_PER_ADDRESS = 50


class LoginThrottled(Exception):
    """Too many failed logins for this account or address: try again later."""


class WeakPassword(ValueError):
    """The password does not meet the minimum requirements."""


@lru_cache
def password_hasher() -> PasswordHash:
    """Argon2id with pwdlib's recommended parameters."""
    return PasswordHash.recommended()


@lru_cache
def _dummy_hash() -> str:
    return password_hasher().hash(secrets.token_urlsafe(16))


def utcnow() -> datetime:
    return datetime.now(UTC)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_strength(password: str) -> None:
    """Refuse short or trivial passwords (there is no default password)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn.")
    if len(set(password)) < 5:
        raise WeakPassword("Het wachtwoord is te eenvoudig.")


def ensure_organisation(session: Session, name: str) -> Organisation:
    """The organisation named `name` (a queue name), created when missing."""
    organisation = session.scalar(select(Organisation).where(Organisation.name == name))
    if organisation is None:
        organisation = Organisation(name=name)
        session.add(organisation)
        session.flush()
    return organisation


def create_staff_account(
    session: Session,
    *,
    organisation: str,
    email: str,
    password: str,
    display_name: str,
    role: StaffRole = StaffRole.MEDEWERKER,
) -> StaffAccount:
    """Create a staff account (commits). Raises WeakPassword or ValueError for a taken e-mail."""
    check_password_strength(password)
    email = normalise_email(email)
    if "@" not in email:
        raise ValueError("Geef een geldig e-mailadres.")
    if session.scalar(select(StaffAccount).where(StaffAccount.email == email)) is not None:
        raise ValueError("Er bestaat al een account met dit e-mailadres.")
    account = StaffAccount(
        organisation=ensure_organisation(session, organisation),
        email=email,
        display_name=display_name.strip() or email.split("@")[0],
        role=role.value,
        password_hash=password_hasher().hash(password),
    )
    session.add(account)
    session.commit()
    return account


def _failures_since(session: Session, since: datetime, **where: str) -> int:
    query = select(func.count()).select_from(LoginAttempt).where(LoginAttempt.created_at >= since)
    for column, value in where.items():
        query = query.where(getattr(LoginAttempt, column) == value)
    return session.scalar(query) or 0


def is_throttled(session: Session, email: str, address: str) -> bool:
    """Whether logins for this account from this address (or at all) are paused."""
    since = utcnow() - THROTTLE_WINDOW
    return (
        _failures_since(session, since, email=email, address=address) >= MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS
        or _failures_since(session, since, email=email) >= MAX_FAILURES_PER_ACCOUNT
        or _failures_since(session, since, address=address) >= MAX_FAILURES_PER_ADDRESS
    )


def authenticate(session: Session, email: str, password: str, address: str) -> StaffAccount | None:
    """The active account for these credentials, or None. Raises LoginThrottled first."""
    email = normalise_email(email)[:254]
    address = address[:64]
    if is_throttled(session, email, address):
        raise LoginThrottled
    account = session.scalar(select(StaffAccount).where(StaffAccount.email == email))
    hasher = password_hasher()
    if account is None:
        hasher.verify(password, _dummy_hash())  # same work as a real check: no account probing by timing
        valid = False
    else:
        valid, new_hash = hasher.verify_and_update(password, account.password_hash)
        if valid and new_hash:
            account.password_hash = new_hash  # parameters got stronger since the hash was made
    if not valid or account is None or not account.active:
        session.add(LoginAttempt(email=email, address=address))
        audit(
            session, None, "login_failed", address=address, organisation=account.organisation.name if account else None
        )
        session.commit()
        return None
    # Old failures no longer count once the right person got in from this address.
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == email, LoginAttempt.address == address))
    account.last_login_at = utcnow()
    session.commit()
    return account


@dataclass
class NewSession:
    token: str  # goes into the cookie; only its hash is stored
    csrf_token: str


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, account: StaffAccount) -> NewSession:
    """Create a server-side session for a logged-in account."""
    token = secrets.token_urlsafe(32)
    csrf_token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        StaffSession(
            token_hash=_hash_token(token),
            staff_id=account.id,
            csrf_token=csrf_token,
            created_at=now,
            last_seen_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.commit()
    return NewSession(token=token, csrf_token=csrf_token)


def load_session(session: Session, token: str | None) -> StaffSession | None:
    """The valid session for a cookie token; expired or idle sessions are removed."""
    if not token:
        return None
    staff_session = session.get(StaffSession, _hash_token(token))
    if staff_session is None:
        return None
    now = utcnow()
    expired = staff_session.expires_at <= now or staff_session.last_seen_at + SESSION_IDLE_TIMEOUT <= now
    if expired or not staff_session.staff.active:
        session.delete(staff_session)
        session.commit()
        return None
    if now - staff_session.last_seen_at > timedelta(minutes=1):  # not a write per request
        staff_session.last_seen_at = now
        session.commit()
    return staff_session


def end_session(session: Session, token: str | None) -> None:
    """Log out: remove the session row."""
    if token:
        session.execute(delete(StaffSession).where(StaffSession.token_hash == _hash_token(token)))
        session.commit()


def audit(
    session: Session,
    staff: StaffAccount | None,
    action: str,
    *,
    case_id: str | None = None,
    conversation_id: str | None = None,
    address: str | None = None,
    organisation: str | None = None,
    detail: dict[str, Any] | None = None,
) -> AuditLog:
    """Add an audit row to the session (the caller commits with its change)."""
    entry = AuditLog(
        staff_id=staff.id if staff else None,
        organisation=organisation or (staff.organisation.name if staff else None),
        action=action,
        case_id=case_id,
        conversation_id=conversation_id,
        address=(address or "")[:64] or None,
        detail=detail,
    )
    session.add(entry)
    return entry
