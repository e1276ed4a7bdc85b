"""Fixed guidance texts for professionals who are worried about a child (in Danish)."""

NOTIFICATION_CHECKLIST = (
    "Tjekliste til en underretning:\n"
    "- Er barnet i akut fare, så ring 112 og kontakt kommunen (socialvagten uden for åbningstid) nu.\n"
    "- Tal med din leder og få sparring, fx med skolens eller dagtilbuddets socialrådgiver.\n"
    "- Beskriv det, du selv har set og hørt (hvad, hvornår, hvor ofte), ikke dine tolkninger.\n"
    "- Inddrag så vidt muligt forældrene, fx i en dialogbaseret underretning, medmindre det kan skade barnet.\n"
    "- Skriv ikke barnets navn eller CPR-nummer her i chatten."
)
