"""Telegram channel of Elke Deur: relays between Telegram chats and the bridge."""
