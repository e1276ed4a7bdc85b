"""Where one question's time goes on the idle bot: Rasa NLU, the answer action, the rest."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Any

import aiohttp

from bot.evaluation.harness import RunningBot
from bot.evaluation.load_workload import Workload


@dataclass
class Profile:
    """Median milliseconds of each part of answering one question, the bot otherwise idle."""

    questions: int
    nlu_ms: float
    action_ms: float
    rest_ms: float

    @property
    def rasa_rest_ms(self) -> float:
        return max(0.0, self.rest_ms - self.nlu_ms - self.action_ms)


async def profile(bot: RunningBot, workload: Workload, rounds: int) -> Profile:
    """Time NLU (/model/parse), the answer action alone, and the whole REST round trip."""
    questions = workload.messages["dev"] + workload.messages["paraphrase"]
    nlu, action, whole = [], [], []
    async with aiohttp.ClientSession() as session:
        for number in range(rounds):
            question = questions[number % len(questions)]
            nlu.append(await _timed_post(session, f"{bot.rasa_url}/model/parse", {"text": question}))
            action.append(await _timed_post(session, f"{bot.action_url}/webhook", _action_call(question)))
            whole.append(await _timed_post(session, f"{bot.rasa_url}/webhooks/rest/webhook",
                                           {"sender": f"profile-{number}", "message": question}))
    return Profile(rounds, statistics.median(nlu), statistics.median(action), statistics.median(whole))


async def _timed_post(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> float:
    started = time.perf_counter()
    async with session.post(url, json=body, timeout=aiohttp.ClientTimeout(total=60)) as reply:
        await reply.read()
        if reply.status != 200:
            raise RuntimeError(f"{url} answered {reply.status}")
    return (time.perf_counter() - started) * 1000


def _action_call(question: str) -> dict[str, Any]:
    """The request Rasa sends the action server for `action_answer_question`."""
    latest = {"text": question, "intent": {"name": "ask_question", "confidence": 1.0}, "entities": []}
    tracker = {"sender_id": "profile", "slots": {}, "latest_message": latest, "events": [],
               "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"}
    return {"next_action": "action_answer_question", "sender_id": "profile", "tracker": tracker,
            "domain": {}, "version": "3.6.21"}
