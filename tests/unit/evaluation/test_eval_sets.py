"""Integrity checks for the evaluation sets under tests/eval/.

Checks the extra set, the tuning set and the lockbox (single questions and conversations)
against the corpus: valid JSON, unique ids and question texts across sets, required fields,
allowed kinds, folds, and that every gold fact / gold passage / conversation fact really
occurs in the corpus text (case-insensitive, whitespace collapsed).

Standard library + pytest + pyyaml only. Does not touch the bot.
"""
import json
import re

import pytest
import yaml

from tests.conftest import ROOT

CORPUS = ROOT / "corpus"
EVAL = ROOT / "tests" / "eval"

QUESTION_SETS = {
    "extra": EVAL / "extra.jsonl",
    "tuning": EVAL / "tuning" / "questions.jsonl",
    "lockbox": EVAL / "lockbox" / "questions.jsonl",
}
CONVERSATION_SETS = {
    "tuning": EVAL / "tuning" / "conversations.jsonl",
    "lockbox": EVAL / "lockbox" / "conversations.jsonl",
}
FOLDED = {"tuning"}
# Optional copies of the shared dev set; only used to check that no id or question repeats them.
DEV_SETS = {"dev": EVAL / "dev.jsonl", "conv-dev": EVAL / "conversations-dev.jsonl"}


def load_dev():
    return {name: load_jsonl(path) for name, path in DEV_SETS.items() if path.is_file()}

KINDS = {"factual", "notification_guidance", "out_of_scope", "smalltalk", "emergency"}
PERSONAS = {"candidate", "pedagogue", "consultant", "other"}
TURN_KINDS = {"factual", "guidance", "source", "decline", "smalltalk", "emergency"}
REQUIRED = ("id", "question", "kind", "persona", "gold_facts", "gold_sources", "gold_passage")
# The tuning set holds its own questions (t, c) and those of the retired lockboxes (L, LC ... B, BC).
RETIRED_LOCKBOXES = "LMNPQRSUVWYZKABC"  # the letters of the lockboxes that joined the tuning set
ID_PATTERNS = {"extra": r"x\d{3}", "tuning": "|".join([r"t\d{3}", *(rf"{letter}\d{{3}}" for letter in RETIRED_LOCKBOXES)]),
               "lockbox": r"D\d{3}"}
CONV_ID_PATTERNS = {"tuning": "|".join([r"c\d{3}", *(rf"{letter}C\d{{2}}" for letter in RETIRED_LOCKBOXES)]),
                    "lockbox": r"DC\d{2}"}
MIN_COUNTS = {"tuning": 300, "lockbox": 90}
MIN_CONVERSATIONS = {"tuning": 60, "lockbox": 20}


def norm(text):
    """Case-insensitive, whitespace-collapsed form used for every comparison."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def load_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as exc:  # pragma: no cover - reported as failure
                pytest.fail(f"{path.name}:{n}: invalid JSON: {exc}")
    return rows


@pytest.fixture(scope="module")
def corpus():
    files = {p.name: norm(p.read_text(encoding="utf-8")) for p in sorted(CORPUS.glob("*.txt"))}
    assert files, "no corpus files found"
    return files


@pytest.fixture(scope="module")
def source_names():
    """Each document's metadata from sources.yml (publisher, title, author, slug, year, date, url): where a
    source turn's facts may come from besides the corpus text."""
    meta = yaml.safe_load((CORPUS / "sources.yml").read_text(encoding="utf-8"))
    fields = ("publisher", "title", "author", "slug", "year", "date", "url")
    names = {}
    for doc in meta["documents"]:
        names[doc["file"]] = norm(" ".join(str(doc.get(k, "")) for k in fields))
    return names


@pytest.fixture(scope="module")
def questions():
    return {name: load_jsonl(path) for name, path in QUESTION_SETS.items()}


@pytest.fixture(scope="module")
def conversations():
    return {name: load_jsonl(path) for name, path in CONVERSATION_SETS.items()}


def test_files_exist():
    for path in list(QUESTION_SETS.values()) + list(CONVERSATION_SETS.values()):
        assert path.is_file(), f"missing {path}"
    for readme in (EVAL / "tuning" / "README.md", EVAL / "lockbox" / "README.md"):
        assert readme.is_file(), f"missing {readme}"


def test_sizes(questions, conversations):
    for name, minimum in MIN_COUNTS.items():
        assert len(questions[name]) >= minimum, f"{name}: only {len(questions[name])} questions"
    for name, minimum in MIN_CONVERSATIONS.items():
        assert len(conversations[name]) >= minimum, f"{name}: only {len(conversations[name])} conversations"


def test_ids_unique_across_all_sets(questions, conversations):
    seen = {}
    dev = load_dev()
    for name, rows in list(questions.items()) + [(f"conv-{k}", v) for k, v in conversations.items()] + list(dev.items()):
        for row in rows:
            rid = row.get("id")
            assert rid, f"{name}: row without id: {row}"
            assert rid not in seen, f"id {rid} in both {seen[rid]} and {name}"
            seen[rid] = name


def test_id_format(questions, conversations):
    for name, rows in questions.items():
        for row in rows:
            assert re.fullmatch(ID_PATTERNS[name], row["id"]), f"{name}: bad id {row['id']}"
    for name, rows in conversations.items():
        for row in rows:
            assert re.fullmatch(CONV_ID_PATTERNS[name], row["id"]), f"conv-{name}: bad id {row['id']}"


def test_required_fields_and_kinds(questions):
    for name, rows in questions.items():
        for row in rows:
            rid = row.get("id")
            for field in REQUIRED:
                assert field in row, f"{name}/{rid}: missing {field}"
            assert row["kind"] in KINDS, f"{name}/{rid}: bad kind {row['kind']}"
            assert row["persona"] in PERSONAS, f"{name}/{rid}: bad persona {row['persona']}"
            assert isinstance(row["question"], str) and row["question"].strip(), f"{name}/{rid}: empty question"
            assert isinstance(row["gold_facts"], list) and isinstance(row["gold_sources"], list)
            if row["kind"] in ("factual", "notification_guidance"):
                assert 1 <= len(row["gold_facts"]), f"{name}/{rid}: no gold facts"
                assert row["gold_sources"], f"{name}/{rid}: no gold sources"
                assert row["gold_passage"].strip(), f"{name}/{rid}: empty gold_passage"
                assert len(row["gold_passage"].split()) <= 40, f"{name}/{rid}: gold_passage > 40 words"
                assert all(isinstance(f, str) and f.strip() for f in row["gold_facts"]), f"{name}/{rid}"
            elif name != "extra":
                # new sets: non-answerable kinds carry no gold
                assert row["gold_facts"] == [] and row["gold_sources"] == [], f"{name}/{rid}: unexpected gold"


def test_gold_sources_exist(questions, corpus):
    for name, rows in questions.items():
        for row in rows:
            for src in row["gold_sources"]:
                assert src in corpus, f"{name}/{row['id']}: unknown source {src}"


def test_gold_facts_occur_in_gold_sources(questions, corpus):
    problems = []
    for name, rows in questions.items():
        for row in rows:
            if row["kind"] not in ("factual", "notification_guidance"):
                continue
            texts = [corpus.get(s, "") for s in row["gold_sources"]]
            for fact in row["gold_facts"]:
                if not any(norm(fact) in t for t in texts):
                    problems.append(f"{name}/{row['id']}: fact {fact!r} not in {row['gold_sources']}")
    assert not problems, "\n".join(problems)


def test_gold_passage_occurs_in_first_source(questions, corpus):
    problems = []
    for name, rows in questions.items():
        for row in rows:
            if row["kind"] not in ("factual", "notification_guidance"):
                continue
            first = corpus.get(row["gold_sources"][0], "")
            if norm(row["gold_passage"]) not in first:
                problems.append(f"{name}/{row['id']}: gold_passage not in {row['gold_sources'][0]}")
    assert not problems, "\n".join(problems)


def test_folds(questions, conversations):
    for name in FOLDED:
        for row in questions[name] + conversations[name]:
            assert isinstance(row.get("fold"), int) and 0 <= row["fold"] <= 4, f"{name}/{row['id']}: bad fold"
        assert {row["fold"] for row in questions[name]} == set(range(5)), f"{name}: not all folds used"
    for name in set(questions) - FOLDED:
        for row in questions[name]:
            assert "fold" not in row, f"{name}/{row['id']}: unexpected fold"


def test_no_question_in_two_sets(questions, conversations):
    seen = {}
    problems = []
    dev = load_dev()
    for name, rows in list(questions.items()) + ([("dev", dev["dev"])] if "dev" in dev else []):
        for row in rows:
            key = norm(row["question"])
            if key in seen and seen[key] != name:
                problems.append(f"{row['question']!r} in {seen[key]} and {name}")
            seen.setdefault(key, name)
    # Full (first-turn) conversation questions must not repeat across sets either.
    first_turns = {}
    for name, rows in conversations.items():
        for row in rows:
            key = norm(row["turns"][0]["user"])
            owner = f"conv-{name}"
            if key in first_turns and first_turns[key] != owner:
                problems.append(f"conversation opener {key!r} in {first_turns[key]} and {owner}")
            first_turns.setdefault(key, owner)
            if key in seen and not (seen[key] == name):
                problems.append(f"conversation opener {key!r} ({owner}) is a question of {seen[key]}")
    assert not problems, "\n".join(problems)


def test_no_duplicate_question_within_set(questions):
    for name, rows in questions.items():
        keys = [norm(r["question"]) for r in rows]
        dups = {k for k in keys if keys.count(k) > 1}
        assert not dups, f"{name}: duplicated questions {sorted(dups)}"


def test_conversation_turns(conversations, corpus, source_names):
    all_text = " ".join(corpus.values())
    problems = []
    for name, rows in conversations.items():
        for row in rows:
            turns = row.get("turns")
            cid = row.get("id")
            if not isinstance(turns, list) or not 2 <= len(turns) <= 4:
                problems.append(f"{name}/{cid}: needs 2-4 turns")
                continue
            for i, turn in enumerate(turns):
                where = f"{name}/{cid} turn {i + 1}"
                if not isinstance(turn.get("user"), str) or not turn["user"].strip():
                    problems.append(f"{where}: empty user text")
                kind = turn.get("kind")
                if kind not in TURN_KINDS:
                    problems.append(f"{where}: bad kind {kind!r}")
                    continue
                extra_keys = set(turn) - {"user", "kind", "facts", "sources"}
                if extra_keys:
                    problems.append(f"{where}: unexpected keys {extra_keys}")
                for src in turn.get("sources", []):
                    if src not in corpus:
                        problems.append(f"{where}: unknown source {src}")
                facts = turn.get("facts", [])
                if kind in ("factual", "guidance", "source") and not facts:
                    problems.append(f"{where}: {kind} turn without facts")
                if kind in ("decline", "smalltalk", "emergency") and (facts or turn.get("sources")):
                    problems.append(f"{where}: {kind} turn should carry no facts/sources")
                for fact in facts:
                    f = norm(fact)
                    if kind == "source":
                        ok = f in all_text or any(f in v for v in source_names.values())
                    elif turn.get("sources"):
                        ok = any(f in corpus.get(s, "") for s in turn["sources"])
                    else:
                        ok = f in all_text
                    if not ok:
                        problems.append(f"{where}: fact {fact!r} not found")
    assert not problems, "\n".join(problems)


def test_kind_mix(questions):
    """The new sets must cover every kind, and out_of_scope must not be a token gesture."""
    for name in ("tuning", "lockbox"):
        kinds = [r["kind"] for r in questions[name]]
        for kind in KINDS:
            assert kind in kinds, f"{name}: no {kind} items"
        assert kinds.count("out_of_scope") >= (60 if name == "tuning" else 20)


def test_norm_is_strict():
    """Guard against a matcher that accepts anything (the checks above must be able to fail)."""
    text = norm("Der er investeret 2 mio. kr.\n om året")
    assert norm("2 MIO. kr. om  året") in text
    assert norm("3 mio. kr.") not in text


def test_example_questions_hold_the_tuning_questions_and_nothing_of_the_lockbox(questions, conversations):
    """corpus/examples.jsonl (the search's example questions) is written from the tuning, dev and extra sets
    (`python -m scripts.export_examples`): every answerable question of them is there, and no lockbox text is."""
    examples = load_jsonl(CORPUS / "examples.jsonl")
    by_id = {row.get("id"): row for row in examples}
    dev = load_dev().get("dev", [])
    for row in questions["tuning"] + questions["extra"] + dev:
        if row["kind"] in ("factual", "notification_guidance") and row.get("gold_passage"):
            example = by_id.get(row["id"])
            assert example is not None, f"{row['id']} is not an example question: run python -m scripts.export_examples"
            assert (example["question"], example["file"], example["passage"]) == (
                row["question"], row["gold_sources"][0], row["gold_passage"]), f"{row['id']} is out of date"
    lockbox = {norm(row["question"]) for row in questions["lockbox"]}
    lockbox |= {norm(turn["user"]) for row in conversations["lockbox"] for turn in row["turns"]}
    lockbox_ids = {row["id"] for row in questions["lockbox"]}
    leaked = [row["question"] for row in examples if norm(row["question"]) in lockbox or row.get("id") in lockbox_ids]
    assert not leaked, f"lockbox questions among the example questions: {len(leaked)}"
