"""Dialogue: the reply to a message (follow-ups, guidance, safety net, suggested questions)."""
