"""The consultants' web console: documents, try a question, what the bot missed, intents.

A Starlette app served by uvicorn (`python -m bot.console`), bound to 127.0.0.1 by default.
Every page and API needs a login (`bot.console.auth`); see docs/konsulent.md.
"""
