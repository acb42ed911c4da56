"""Telegram handlers: relay only. Rasa owns the dialogue; the bridge owns the conversation."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.error import NetworkError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from connectors.telegram.bridge_client import BridgeError
from connectors.telegram.logs import log_event
from connectors.telegram.relay import Relay, with_retry

PRIVACY_NOTICE = (
    "Welkom bij Elke Deur. Hier kunt u vragen stellen over werk, scholing, een uitkering of personeel.\n\n"
    "Privacy: wij bewaren wat u hier schrijft, zodat wij u kunnen helpen en een medewerker uw vraag kan lezen "
    "als u om een medewerker vraagt. Om u te kunnen antwoorden bewaren wij ook het nummer van deze chat; "
    "uw naam bewaren wij niet.\n\n"
    "/medewerker – een medewerker spreken\n/plan – uw plan als PDF, met een link\n/stop – het gesprek stoppen\n"
    "/vergeet – uw gegevens wissen"
)
ONLY_TEXT = (
    "Sorry, ik kan alleen tekst lezen. Foto's, spraakberichten, stickers en bestanden kan ik niet bekijken. "
    "Wilt u uw vraag in een bericht typen?"
)
STOPPED = "Het gesprek is gestopt. Wilt u opnieuw beginnen? Stuur dan /start."
FORGOTTEN = "Uw gegevens zijn gewist. Wilt u opnieuw beginnen? Stuur dan /start."
FORGOTTEN_LOCAL = (
    "Wij hebben de koppeling tussen deze chat en uw gesprek gewist. Het gesprek zelf wordt gewist "
    "zodra de bewaartermijn voorbij is. Wilt u opnieuw beginnen? Stuur dan /start."
)
UNAVAILABLE = "Het lukt nu even niet om uw bericht te beantwoorden. Probeert u het over een paar minuten nog eens."
EXPIRED_CHOICE = "Deze keuze is niet meer geldig. Typt u uw antwoord?"
UNKNOWN_COMMAND = (
    "Dit commando ken ik niet. U kunt gewoon uw vraag typen, of /medewerker, /plan, /stop of /vergeet sturen."
)
NOTHING_TO_FORGET = "Er zijn geen gegevens van deze chat bij ons bewaard."
PLAN_PAYLOAD = "/plan"
NO_PLAN_YET = (
    "Er is nog geen advies om te bewaren. Vertel eerst wat uw situatie is; daarna kunt u met /plan uw plan bewaren."
)
PLAN_CAPTION = (
    "Uw plan als PDF. De nieuwste versie, met de afspraken, ziet u altijd via deze link:\n{url}\n"
    "Deel de link alleen met wie u vertrouwt. Opnieuw /plan geeft een nieuwe link; de oude werkt dan niet meer."
)


def relay_of(context: ContextTypes.DEFAULT_TYPE) -> Relay:
    relay: Relay = context.bot_data["relay"]
    return relay


async def dedupe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Handle every update once, in whichever instance: Telegram redelivers after a crash or a failed
    webhook call, and a proxy may pass a repeated call to another instance."""
    if not relay_of(context).store.claim_update(update.update_id):
        log_event("ED-7009", update_id=update.update_id, chat=_chat_id(update))
        raise ApplicationHandlerStop


def _chat_id(update: Update) -> int | None:
    """The update's chat id, for its pseudonym in the log (`log_event` hashes it; None when there is no chat)."""
    return update.effective_chat.id if update.effective_chat is not None else None


async def _reply(update: Update, text: str) -> None:
    if update.effective_chat is not None:
        chat = update.effective_chat
        await with_retry(lambda: chat.send_message(text))


async def _relay(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, text: str | None = None, payload: str | None = None
) -> None:
    if update.effective_chat is None:
        return
    chat_id = update.effective_chat.id
    try:
        await relay_of(context).relay(context.bot, chat_id, text=text, payload=payload)
    except BridgeError as error:
        log_event("ED-7010", status=error.status, chat=chat_id)
        await _reply(update, UNAVAILABLE)
    except NetworkError as error:
        # Telegram did not take the reply (it is stored and still wanted): the sweep sends it soon.
        log_event("ED-7005", error=type(error).__name__, chat=chat_id)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start: privacy notice, then the bot's greeting (an ongoing conversation continues)."""
    await _reply(update, PRIVACY_NOTICE)
    await _relay(update, context, payload="/greet")


async def medewerker(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/medewerker: ask for a person."""
    await _relay(update, context, payload="/request_medewerker")


async def stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stop: end this chat's conversation; the next message starts a new one."""
    if update.effective_chat is not None:
        relay_of(context).store.forget(update.effective_chat.id)
    await _reply(update, STOPPED)


async def vergeet(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/vergeet: erase the conversation in the bridge (where it can) and the chat mapping here."""
    if update.effective_chat is None:
        return
    relay = relay_of(context)
    link = relay.store.by_chat(update.effective_chat.id)
    if link is None:
        await _reply(update, NOTHING_TO_FORGET)
        return
    try:
        erased = await relay.bridge.erase(link.conversation_id)
    except BridgeError:
        await _reply(update, UNAVAILABLE)
        return
    relay.store.forget(update.effective_chat.id)
    log_event("ED-7011", bridge_erased=erased, chat=update.effective_chat.id)
    await _reply(update, FORGOTTEN if erased else FORGOTTEN_LOCAL)


async def plan(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/plan: the person's plan as a PDF document, with the link in the caption (the link is not logged)."""
    chat = update.effective_chat
    if chat is None:
        return
    relay = relay_of(context)
    link = relay.store.by_chat(chat.id)
    if link is None:
        await _reply(update, NO_PLAN_YET)
        return
    try:
        made = await relay.bridge.plan_link(link.conversation_id)
        content = await relay.bridge.plan_pdf(f"{made['pad']}/pdf")
    except BridgeError as error:
        log_event("ED-7012", status=error.status, chat=chat.id)
        await _reply(update, NO_PLAN_YET if error.status in (404, 409) else UNAVAILABLE)
        return
    document = InputFile(content, filename="mijn-plan.pdf")
    await with_retry(lambda: chat.send_document(document=document, caption=PLAN_CAPTION.format(url=made["url"])))


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text goes to the bridge as it is."""
    if update.effective_message is not None and update.effective_message.text:
        await _relay(update, context, text=update.effective_message.text)


async def non_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Photos, voice, stickers, files…: a polite answer that only text is understood."""
    await _reply(update, ONLY_TEXT)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command we do not know."""
    await _reply(update, UNKNOWN_COMMAND)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An inline-keyboard choice: answer the query, remove the keyboard, send the button's payload."""
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    relay = relay_of(context)
    link = relay.store.by_chat(update.effective_chat.id)
    choice = await relay.button_payload(link.conversation_id, query.data or "") if link else None
    if choice is None:
        await query.answer(EXPIRED_CHOICE)
        return
    payload, title = choice
    await query.answer(title)
    if query.message is not None:
        # Old choices must not be pressed again; the chosen title stays visible in the chat as an answer.
        await with_retry(lambda: query.edit_message_reply_markup(reply_markup=None))
    if payload == PLAN_PAYLOAD:
        await plan(update, context)  # "Ja, bewaar mijn plan": the same as /plan
        return
    await _relay(update, context, payload=payload)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error type and the chat's pseudonym (no message text, no chat ids)."""
    chat_id = _chat_id(update) if isinstance(update, Update) else None
    log_event("ED-7014", task="handler", error=type(context.error).__name__, chat=chat_id)
