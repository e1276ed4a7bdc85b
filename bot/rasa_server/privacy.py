"""Masking personal data (CPR numbers, phone numbers, e-mail addresses) in user text.

Pure standard library: imported both by the Rasa server's input channels (Python 3.10)
and by the action server (Python 3.11).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CPR_PLACEHOLDER = "[CPR-nummer]"
PHONE_PLACEHOLDER = "[telefonnummer]"
EMAIL_PLACEHOLDER = "[e-mail]"

# Not inside a longer number ("1.010203-1234", "12,5"); after letters or a dot ("nr.010203-1234") is fine.
_NOT_IN_NUMBER = r"(?<!\d)(?<!\d[,.])"
# ddmmyy-xxxx: day 01-31, month 01-12, the date parts optionally apart ("01 02 03", "01.02.03"),
# then a dash (spaces around it allowed), a space or nothing.
_CPR = re.compile(
    _NOT_IN_NUMBER + r"(?:0[1-9]|[12]\d|3[01])[ .]?(?:0[1-9]|1[0-2])[ .]?\d{2}(?:\s*-\s*|\s)?\d{4}(?![,.]?\d)"
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Eight digits, optionally after +45/0045, in groups of 2, 4 or 8 digits; not a year span.
_PHONE = re.compile(
    _NOT_IN_NUMBER + r"(?<![+-])(?!(?:19|20)\d{2}[\s-](?:19|20)\d{2}\b)(?:(?:\+|00)45[\s-]?)?"
    r"(?:\d{2}[\s-]\d{2}[\s-]\d{2}[\s-]\d{2}|\d{4}[\s-]\d{4}|\d{8})"
    r"(?![\w,.%-]?\d)(?!\s*(?:kr|mio|mia|pct|%))"
)


@dataclass(frozen=True)
class Masked:
    """Masked text and whether anything was removed."""

    text: str
    found: bool


def mask_personal_data(text: str) -> Masked:
    """Replace CPR numbers, e-mail addresses and phone numbers with placeholders."""
    masked = _EMAIL.sub(EMAIL_PLACEHOLDER, text)
    masked = _CPR.sub(CPR_PLACEHOLDER, masked)
    masked = _PHONE.sub(PHONE_PLACEHOLDER, masked)
    return Masked(masked, masked != text)
