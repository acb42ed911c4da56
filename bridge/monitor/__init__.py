"""Regiomonitor: aggregate counts of what the front door sees, per arbeidsmarktregio and organisation."""
