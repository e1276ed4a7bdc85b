"""The masking rules for CPR numbers, phone numbers and e-mail addresses (through the channels:
tests/integration/test_privacy.py)."""

from __future__ import annotations

import pytest

from bot.rasa_server.privacy import CPR_PLACEHOLDER, EMAIL_PLACEHOLDER, PHONE_PLACEHOLDER, mask_personal_data


@pytest.mark.parametrize(
    ("text", "placeholder", "secret"),
    [
        ("Barnets cpr er 010203-1234", CPR_PLACEHOLDER, "010203-1234"),
        ("cpr 0102031234 tak", CPR_PLACEHOLDER, "0102031234"),
        ("cpr 010203 1234", CPR_PLACEHOLDER, "010203 1234"),
        ("cpr 01 02 03 1234", CPR_PLACEHOLDER, "01 02 03 1234"),
        ("cpr 01 02 03-1234", CPR_PLACEHOLDER, "01 02 03-1234"),
        ("cpr 010203 - 1234", CPR_PLACEHOLDER, "010203 - 1234"),
        ("cpr.nr.311299-4321", CPR_PLACEHOLDER, "311299-4321"),
        ("ring på +45 12 34 56 78", PHONE_PLACEHOLDER, "12 34 56 78"),
        ("ring på +4512345678", PHONE_PLACEHOLDER, "12345678"),
        ("ring på 0045 1234 5678", PHONE_PLACEHOLDER, "1234 5678"),
        ("ring på 12-34-56-78", PHONE_PLACEHOLDER, "12-34-56-78"),
        ("tlf.12345678", PHONE_PLACEHOLDER, "12345678"),
        ("ring på 12 34 56 78", PHONE_PLACEHOLDER, "12 34 56 78"),
        ("ring på +45 12345678", PHONE_PLACEHOLDER, "12345678"),
        ("ring på 1234 5678", PHONE_PLACEHOLDER, "1234 5678"),
        ("skriv til mor.hansen@example.dk", EMAIL_PLACEHOLDER, "mor.hansen@example.dk"),
    ],
)
def test_personal_data_is_masked(text, placeholder, secret):
    masked = mask_personal_data(text)
    assert masked.found and placeholder in masked.text and secret not in masked.text


@pytest.mark.parametrize(
    "text",
    ["Herning hentede 4,7 mio. kr.", "i perioden 2016-2019", "580 familier", "96 mio. kr. i 2016",
     "82,2 pct. af de 17-årige", "97% af skolerne", "Kommunerne bruger over 40 mia. kr. om året",
     "fra 2016 til 2019", "2016 2019", "den 01.02.2016", "1.000.000 kr.", "12.345.678 kr.", "ring 112"],
)
def test_amounts_and_years_are_left_alone(text):
    masked = mask_personal_data(text)
    assert not masked.found and masked.text == text
