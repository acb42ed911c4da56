"""The action server: rasa_sdk's app for bot.actions, reachable only with a token, on localhost.

`rasa run actions` (rasa_sdk 3.6) takes no token and listens on 0.0.0.0. This module starts the
same Sanic app (rasa_sdk.endpoint.create_app, the same options, the same single worker) with two
differences:

- every path except /health needs `Authorization: Bearer $ACTION_SERVER_TOKEN`. Rasa sends it from
  the `headers:` of `action_endpoint` in endpoints.yml. /health stays open for the health checks of
  the bridge and says nothing but {"status": "ok"};
- it listens on ACTIONS_HOST, by default 127.0.0.1: only the Rasa server on this machine calls it.

    ACTION_SERVER_TOKEN=... python -m bot.action_server --actions bot.actions -p 5055

It refuses to start without a token. The token is never logged.
"""

from __future__ import annotations

import argparse
import hmac
import logging
import os
import sys
from typing import Optional, Sequence

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "ACTION_SERVER_TOKEN"
HOST_VARIABLE = "ACTIONS_HOST"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_ACTIONS = "bot.actions"
# Health checks (bridge, bench, `ready`) carry no token; /health returns no data.
OPEN_PATHS = frozenset({"/health"})


def bearer_token(authorization: Optional[str]) -> str:
    """The token of an `Authorization: Bearer <token>` header ('' for anything else)."""
    scheme, _, credentials = (authorization or "").partition(" ")
    return credentials.strip() if scheme.lower() == "bearer" else ""


def require_token(app: Sanic, token: str) -> None:
    """Answer 401 to every request but /health that lacks the right bearer token."""
    expected = token.encode()

    @app.middleware("request")
    async def check_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS:
            return None
        # Constant time, so the answer's timing does not reveal how much of a guess was right.
        if hmac.compare_digest(bearer_token(request.headers.get("authorization")).encode(), expected):
            return None
        return response.json({"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": "Bearer"})


def configure_logging(args: argparse.Namespace) -> None:
    """Logging as `rasa run actions` sets it up (rasa_sdk/__main__.py)."""
    logging.getLogger("matplotlib").setLevel(logging.WARN)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME), args.log_file, args.loglevel, args.logging_config_file
    )
    utils.update_sanic_log_level()


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Parse `rasa run actions`' own options, then serve with a token on ACTIONS_HOST."""
    parser = create_argument_parser()
    parser.prog = "python -m bot.action_server"
    parser.set_defaults(actions=DEFAULT_ACTIONS)
    args = parser.parse_args(argv)

    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        sys.exit(
            f"The action server does not start without a token: set {TOKEN_VARIABLE} "
            "(`make run` generates one in var/dev-secrets.env; in productie put it in .env.productie)."
        )
    host = os.environ.get(HOST_VARIABLE, "").strip() or DEFAULT_HOST

    configure_logging(args)
    app = create_app(args.actions, cors_origins=args.cors, auto_reload=args.auto_reload)
    require_token(app, token)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    ssl_context = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    protocol = "https" if ssl_context else "http"
    logger.info(f"Action endpoint is up and running on {protocol}://{host}:{args.port} (token required)")
    app.run(host, args.port, ssl=ssl_context, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
