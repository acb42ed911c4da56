"""Mijn plan (issue 15): the person's plan page, its PDF and the console's view of it."""
