"""Pure parts of the connector: HTML escaping, splitting, the update/chat store."""

from __future__ import annotations

from pathlib import Path

from telegram.constants import MessageLimit

from connectors.telegram.relay import keyboard, split_text, to_html
from connectors.telegram.store import Store


def test_html_is_escaped_and_only_http_links_are_links() -> None:
    html = to_html('<b>vet</b> & [loket](https://www.werk.nl/a?b=1&c="2") [x](javascript:alert(1)) https://uwv.nl.')
    assert html == (
        "&lt;b&gt;vet&lt;/b&gt; &amp; "
        '<a href="https://www.werk.nl/a?b=1&amp;c=&quot;2&quot;">loket</a> '
        "[x](javascript:alert(1)) "
        '<a href="https://uwv.nl">https://uwv.nl</a>.'
    )


def test_long_replies_are_split_within_telegram_limits() -> None:
    text = ("Dit is een zin over scholing en werk. " * 400).strip()
    chunks = split_text(text)
    assert len(chunks) > 1
    assert all(len(to_html(c)) <= MessageLimit.MAX_TEXT_LENGTH for c in chunks)
    assert " ".join(chunks).split() == text.split(), "nothing lost or doubled"
    assert split_text("a" * 9000, 4000) == ["a" * 4000, "a" * 4000, "a" * 1000]


def test_callback_data_fits_64_bytes_whatever_the_payload() -> None:
    markup = keyboard(123456789, [{"title": "Transport en logistiek", "payload": '/inform{"sector": "transport_logistiek"}'}])
    data = markup.inline_keyboard[0][0].callback_data
    assert data == "123456789:0" and len(str(data).encode()) <= 64


def test_store_handles_each_update_once_and_survives_reopen(tmp_path: Path) -> None:
    path = str(tmp_path / "telegram.db")
    store = Store(path, "secret")
    assert store.claim_update(10) is True
    assert store.claim_update(10) is False
    link = store.link(555, "conv-1")
    store.mark_delivered("conv-1", 7)
    store.mark_delivered("conv-1", 3)  # never goes back
    store.close()

    reopened = Store(path, "secret")
    assert reopened.claim_update(10) is False
    assert reopened.by_chat(555) == link.__class__(link.chat_key, 555, "conv-1", 7)
    assert "555" not in reopened.chat_key(555) and len(reopened.chat_key(555)) == 20
    assert reopened.forget(555) == "conv-1"
    assert reopened.by_chat(555) is None
    reopened.close()
