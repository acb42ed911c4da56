"""Pure parts of the connector: HTML escaping, splitting, callback data (the store: test_store.py)."""

from __future__ import annotations

from telegram.constants import MessageLimit

from connectors.telegram.relay import keyboard, split_text, to_html


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
    markup = keyboard(
        123456789, [{"title": "Transport en logistiek", "payload": '/inform{"sector": "transport_logistiek"}'}]
    )
    data = markup.inline_keyboard[0][0].callback_data
    assert data == "123456789:0" and len(str(data).encode()) <= 64
