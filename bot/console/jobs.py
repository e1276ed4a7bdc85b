"""What a background job of the console (ingest, training) reports to its page's progress bar."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class JobStatus:
    """`state` is the job's state (idle, running, ...), `stage` and `label` what it is doing now."""

    state: str = "idle"
    stage: str = ""
    label: str = ""
    percent: int = 0
    run: int = 0  # counts runs, so a page can tell a new run from the last one

    def to_dict(self) -> dict[str, object]:
        """JSON for the progress endpoint."""
        return asdict(self)
