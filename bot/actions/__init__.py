"""Elke Deur action server: run with `rasa run actions --actions bot.actions`.

One concern per module: slot_mappings (global slot validation), intake_form (the
intake questions), arrangeur, regelingen, rekenhulp, handoff, dialogue (fallback,
go back); bridge_client + settings talk to the bridge; intake holds pure helpers.
"""
