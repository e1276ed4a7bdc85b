"""`rasa data validate`, failing on every warning but one kind Rasa 3.6 gets wrong.

Rasa warns that a response "is not used in any story or rule" when only a custom action or a
form utters it (a form asks with `utter_ask_<slot>`). Such responses are listed under
`actions:` in domain.yml; that warning is ignored for them, every other warning fails.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

UNUSED = re.compile(r"The utterance '(\w+)' is not used in any story or rule")
WARNING = re.compile(r"UserWarning: (.*)")


def uttered_by_actions(domain_file: Path) -> set[str]:
    """Responses listed as actions in the domain: uttered by custom actions or forms."""
    domain = yaml.safe_load(domain_file.read_text(encoding="utf-8"))
    return {name for name in domain.get("actions", []) if name.startswith("utter_")}


def main() -> int:
    """Run the validator; exit non-zero on an error or an unexpected warning."""
    rasa = Path(sys.executable).with_name("rasa")
    result = subprocess.run([str(rasa), "data", "validate"], capture_output=True, text=True)
    output = result.stdout + result.stderr
    allowed = uttered_by_actions(Path("domain.yml"))
    problems = []
    for message in WARNING.findall(output):
        unused = UNUSED.search(message)
        if not (unused and unused.group(1) in allowed):
            problems.append(message)
    for problem in problems:
        print(f"rasa data validate: {problem}", file=sys.stderr)
    if result.returncode != 0:
        print(output[-3000:], file=sys.stderr)
    print(f"rasa data validate: exit {result.returncode}, {len(problems)} warning(s) that count")
    return 1 if result.returncode != 0 or problems else 0


if __name__ == "__main__":
    sys.exit(main())
