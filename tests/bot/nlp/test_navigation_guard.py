"""bot.nlp.navigation_guard: start over, stop, back and more only with their own words."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("intent", "text", "has_facts", "expected"),
    [
        ("restart", "nieuw werk", False, "nlu_fallback"),  # once wiped an intake as "opnieuw"
        ("restart", "nieuw werk in de zorg", True, "inform"),
        ("restart", "begin maar opnieuw", False, "restart"),
        ("restart", "helemaal opnieuw", False, "restart"),
        ("restart", "moet ik dan opnieuw een opleiding doen?", True, "inform"),  # a persona's question, not a restart
        ("restart", "/restart", False, "restart"),  # a button is always meant
        ("stop", "stoppen met werken wil ik niet", False, "stop"),
        ("stop", "ik sta op de bouw", True, "inform"),
        ("go_back", "vorige vraag graag", False, "go_back"),
        ("show_more", "laat meer zien", False, "show_more"),
        ("greet", "hallo", False, "greet"),  # other intents are left alone
    ],
)
def test_guarded_intent(intent, text, has_facts, expected):
    # imported here: Rasa's import-time deprecation warnings are ignored only inside tests
    from bot.nlp.navigation_guard import guarded_intent

    assert guarded_intent(intent, text, has_facts) == expected
