"""The Telegram connector process: long polling by default, webhook mode for production."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sys
from urllib.parse import urlparse

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from connectors.telegram import handlers
from connectors.telegram.bridge_client import BridgeClient
from connectors.telegram.logs import configure_logging, log_event
from connectors.telegram.relay import Relay
from connectors.telegram.settings import TelegramSettings
from connectors.telegram.store import Store

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


def build_application(settings: TelegramSettings, *, webhook: bool = False) -> Application:  # type: ignore[type-arg]
    """The python-telegram-bot Application with every handler; nothing connects yet."""
    builder = Application.builder().token(settings.telegram_bot_token).base_url(settings.telegram_base_url)
    builder = builder.post_init(_post_init).post_shutdown(_post_shutdown)
    if webhook:
        builder = builder.updater(None)  # updates come from our own webhook endpoint
    application = builder.build()
    application.bot_data["settings"] = settings

    application.add_handler(TypeHandler(Update, handlers.dedupe), group=-1)
    application.add_handler(CommandHandler("start", handlers.start))
    application.add_handler(CommandHandler("medewerker", handlers.medewerker))
    application.add_handler(CommandHandler("stop", handlers.stop))
    application.add_handler(CommandHandler("vergeet", handlers.vergeet))
    application.add_handler(CommandHandler("plan", handlers.plan))
    application.add_handler(CallbackQueryHandler(handlers.button))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, handlers.text_message))
    application.add_handler(MessageHandler(filters.COMMAND, handlers.unknown_command))
    application.add_handler(MessageHandler(~filters.TEXT & ~filters.StatusUpdate.ALL, handlers.non_text))
    application.add_error_handler(handlers.on_error)
    return application


async def _post_init(application: Application) -> None:  # type: ignore[type-arg]
    """Open the store and the bridge client; follow the bridge's staff messages in the background."""
    settings: TelegramSettings = application.bot_data["settings"]
    store = Store(settings.state_url, settings.telegram_bot_token)
    bridge = BridgeClient(settings.bridge_url, settings.bridge_service_token)
    relay = Relay(bridge, store, sweep_seconds=settings.telegram_sweep_seconds)
    application.bot_data["relay"] = relay
    application.bot_data["background"] = [
        asyncio.create_task(relay.listen(application.bot)),
        asyncio.create_task(relay.sweep(application.bot)),
    ]


async def _post_shutdown(application: Application) -> None:  # type: ignore[type-arg]
    for task in application.bot_data.pop("background", []):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    relay: Relay | None = application.bot_data.pop("relay", None)
    if relay is not None:
        await relay.bridge.close()
        relay.store.close()


def webhook_app(application: Application, secret: str, path: str) -> Starlette:  # type: ignore[type-arg]
    """ASGI app receiving Telegram's webhook calls; refuses any call without the secret token."""

    async def receive(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not secrets.compare_digest(given.encode(), secret.encode()):
            log_event("ED-7013")
            return Response(status_code=403)
        update = Update.de_json(await request.json(), application.bot)
        await application.update_queue.put(update)
        return Response(status_code=200)

    return Starlette(routes=[Route(path, receive, methods=["POST"])])


async def run_webhook(settings: TelegramSettings) -> None:
    """Serve the webhook with uvicorn and register it with Telegram (with the secret token)."""
    import uvicorn

    if len(settings.telegram_webhook_secret) < 16:
        sys.exit("TELEGRAM_WEBHOOK_SECRET must be set (at least 16 characters) in webhook mode")
    application = build_application(settings, webhook=True)
    path = urlparse(settings.telegram_webhook_url).path or "/"
    server = uvicorn.Server(
        uvicorn.Config(
            webhook_app(application, settings.telegram_webhook_secret, path),
            host=settings.telegram_webhook_host,
            port=settings.telegram_webhook_port,
            log_level="warning",
            access_log=False,  # the URL path is harmless, but keep request logs out on principle
        )
    )
    async with application:
        # post_init/post_shutdown run only inside run_polling/run_webhook: call them ourselves.
        await _post_init(application)
        try:
            await application.start()
            await application.bot.set_webhook(
                settings.telegram_webhook_url,
                secret_token=settings.telegram_webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
            await server.serve()
            await application.stop()
        finally:
            await _post_shutdown(application)


def main() -> None:
    """Entry point of `python -m connectors.telegram`."""
    settings = TelegramSettings()
    configure_logging(logging.INFO, pseudonym_key=settings.log_pseudonym_key or None)
    if not settings.telegram_bot_token:
        sys.exit("TELEGRAM_BOT_TOKEN is not set; the Telegram connector does not start")
    if settings.telegram_webhook_url:
        asyncio.run(run_webhook(settings))
        return
    application = build_application(settings)
    application.run_polling(allowed_updates=ALLOWED_UPDATES, timeout=settings.telegram_poll_timeout)
