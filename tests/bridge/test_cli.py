"""The operator command that creates the first beheerder (no default password)."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from bridge import cli
from bridge.core.config import PROJECT_ROOT
from tests.bridge.factories import login


def test_create_admin_reads_the_password_and_the_account_can_log_in(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("een-sterk-wachtwoord-42\n"))
    status = cli.main(
        [
            "create-admin",
            "--org",
            "Elke Deur algemeen",
            "--email",
            "Beheer@Example.nl",
            "--name",
            "Beheer",
            "--password-stdin",
        ]
    )
    assert status == 0
    assert client.post("/api/staff/login", json={"email": "beheer@example.nl", "password": "x" * 12}).status_code == 401
    login(client, "beheer@example.nl", "een-sterk-wachtwoord-42")
    assert client.get("/api/staff/me").json()["role"] == "beheerder"


def test_create_admin_refuses_weak_passwords_and_duplicates(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("kort\n"))
    assert cli.main(["create-admin", "--org", "UWV", "--email", "a@uwv.example", "--password-stdin"]) == 1
    assert "minstens 12 tekens" in capsys.readouterr().err
    for expected in (0, 1):
        monkeypatch.setattr(sys, "stdin", io.StringIO("een-sterk-wachtwoord-42\n"))
        assert cli.main(["create-staff", "--org", "UWV", "--email", "a@uwv.example", "--password-stdin"]) == expected


def test_cli_runs_as_a_module_with_help() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bridge.cli", "create-admin", "--help"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(PROJECT_ROOT)},
    )
    assert "--password-stdin" in result.stdout
