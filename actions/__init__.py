"""Rasa custom actions; each is thin and delegates to the `bot` package."""
