"""A cheap guess whether a message is English rather than Danish."""

_ENGLISH_MARKERS = frozenset(
    "the what how who why which is are does did was were many much and of should can an "
    "about with from this that it have has had when since in on you your my our we they there their "
    "been would could will be do".split()
)


def looks_english(text: str) -> bool:
    """True when several common English function words occur."""
    words = [w.strip("?.,!'\"()").lower() for w in text.split()]
    return sum(1 for w in words if w in _ENGLISH_MARKERS) >= 2
