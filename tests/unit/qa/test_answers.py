"""Answer composition, the relevance decision, the danger net and follow-ups (no model needed)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from bot.language.analysis import analyse
from bot.language.detect import looks_english
from bot.language.query import Query
from bot.language.sentences import split_sentences
from bot.language.subject_terms import SubjectTerms
from bot.qa.compose import MAX_WORDS, combine, compose_answer, sentence_scores, shorten
from bot.qa.relevance import GUIDANCE_POLICY, RelevancePolicy, decide, names_known, quotable
from bot.schema import Chunk, DeclineReason, Hit


def _hit(text: str, file: str = "a.txt", dense: float = 0.88, rank: int = 1, year: int | None = 2021) -> Hit:
    chunk = Chunk(chunk_id=f"{file}#{rank}", file=file, title=f"Titel {file}", publisher="DS", year=year, url="",
                  position=rank, text=text, sentences=tuple(split_sentences(text)))
    return Hit(chunk, score=dense, dense=dense, rank=rank, row=rank)


HERNING = _hit("Investeringsmodel i Herning: Der er investeret 2 mio. kr. om året i 4 år. "
               "Efter 2 år er der allerede hentet 4,7 mio. kr. Alle kommuner er forskellige.", "herning.txt")
AARHUS = _hit("I Aarhus blev projektet 'Tættere på Familien' udvidet til 580 familier. "
              "Budgetforbedring på 6,3 millioner kroner.", "aarhus.txt", rank=2)


def test_decline_when_no_passage_speaks_of_the_municipality():
    verdict = decide("Hvad har Vejle investeret i tidlig indsats?", [HERNING, AARHUS])
    assert not verdict.answerable and "municipality" in verdict.reason


def test_decline_when_the_year_is_not_in_the_document():
    verdict = decide("Hvordan investerede Herning i 2022?", [HERNING], {"herning.txt": frozenset({2016})})
    assert not verdict.answerable
    assert decide("Hvordan investerede Herning i 2016?", [HERNING], {"herning.txt": frozenset({2016})}).answerable


def test_decline_when_no_subject_word_occurs():
    assert not decide("Hvad siger de om ældreplejen?", [HERNING]).answerable


def test_decline_when_the_match_is_weak():
    assert not decide("Hvad investerede Herning?", [_hit(HERNING.chunk.text, dense=0.70)]).answerable


def test_comparison_keeps_a_passage_for_each_municipality():
    verdict = decide("aarhus eller herning – hvem har sparet mest?", [HERNING, AARHUS])
    assert {h.chunk.file for h in verdict.hits} == {"herning.txt", "aarhus.txt"}
    answer = compose_answer("aarhus eller herning – hvem har sparet mest?", verdict.hits)
    assert {s.file for s in answer.sources} == {"herning.txt", "aarhus.txt"}
    assert "Kilder:" in answer.text


def test_answer_keeps_numbers_cites_and_stays_short():
    answer = compose_answer("Hvad fik Herning igen for investeringen?", (HERNING,))
    body = answer.text.split("\n\nKilde")[0]
    assert answer.kind == "answer" and "4,7 mio. kr." in body
    assert len(body.split()) <= MAX_WORDS
    assert answer.sources[0].file == "herning.txt" and answer.sources[0].passage in HERNING.chunk.text
    assert "Kilde: DS: »Titel herning.txt« (2021)." in answer.text


def test_sentence_similarities_steer_the_extract():
    long_text = " ".join(f"Sætning nummer {i} handler om noget helt andet end spørgsmålet her." for i in range(12))
    hit = _hit(long_text + " Socialrådgiverne fik 580 familier.", "lang.txt")
    sims = np.zeros(len(hit.chunk.sentences), dtype=np.float32)
    sims[-1] = 0.9
    answer = compose_answer("Hvor mange familier?", (hit,), scorer=lambda h: sims)
    assert "580 familier" in answer.text


def test_a_sentence_that_answered_a_close_example_question_is_preferred():
    first, second = (f"{opening} " + " ".join(["ord"] * 80) + "." for opening in ("Alfa", "Beta"))
    hit = _hit(f"{first} {second}", "lang.txt")
    sims = np.array([0.90, 0.88], dtype=np.float32)  # only one of the two fits in an answer
    assert "Alfa" in compose_answer("Hvad så?", (hit,), scorer=lambda h: sims).text
    support = np.array([0.0, 1.0], dtype=np.float32)  # the second answered an example question like this one
    supported = compose_answer("Hvad så?", (hit,), scorer=lambda h: sims, support=lambda h: support).text
    assert "Beta" in supported and "Alfa" not in supported


def test_a_follow_up_prefers_a_sentence_the_answer_before_did_not_show():
    first, second = (f"{opening} " + " ".join(["ord"] * 80) + "." for opening in ("Alfa", "Beta"))
    hit = _hit(f"{first} {second}", "lang.txt")
    sims = np.array([0.90, 0.89], dtype=np.float32)  # only one of the two fits in an answer

    def answer(shown: str) -> str:
        query = Query.in_context(Query.parse("og hvad så?"), Query.parse("Fortæl om noget."), shown=shown)
        return compose_answer(query, (hit,), scorer=lambda h: sims).text
    assert "Alfa" in answer("") and "Beta" not in answer("")
    assert "Beta" in answer(first) and "Alfa" not in answer(first)


def test_what_happened_in_a_place_is_asked_about_the_place():
    """"Hvad skete der i Aarhus?" has no subject word but its place (it was declined: "skete" is in no passage)."""
    assert decide("Hvad skete der i Aarhus ifølge DS?", [AARHUS]).answerable


def test_the_words_naming_a_document_are_sources_not_subject_words():
    question = "Hvad står der i valgfolderen om Herning?"
    assert decide(question, [HERNING]).reason is DeclineReason.NOT_CLOSE  # "valgfolderen" is in no passage
    named = RelevancePolicy(source_words=("valgfolderen",))
    assert decide(question, [HERNING], policy=named).answerable


def test_the_passage_next_to_the_best_one_can_give_the_figure_asked_for():
    subject = _hit("Landsbyråd driver servicecenter. Læsø Kommune ville lukke et servicecenter i Østerby.", "laesoe.txt")
    after = _hit("10 frivillige har deres daglige gang i servicecentret.", "laesoe.txt", dense=0.84, rank=2)
    question = "Hvor mange frivillige driver servicecentret på Læsø?"
    assert "10 frivillige" not in compose_answer(question, (subject,)).text
    answer = compose_answer(question, (subject,), adjacent=(after,))
    assert "10 frivillige" in answer.text and {source.file for source in answer.sources} == {"laesoe.txt"}


def test_garbled_text_is_not_added_as_context():
    text = ("Herning investerede 2 mio. kr. om året i tidlig indsats. "
            "Kommunerne skal stadig tværs af områder både internt i være risikovillige kommunen. og prøve nye ting af. "
            "Familierne blev fulgt tæt af socialrådgiverne.")
    hit = _hit(text, "herning.txt")
    answer = compose_answer("Hvad investerede Herning?", (hit,), scorer=lambda h: np.array([0.9, 0.85, 0.5]))
    assert "2 mio. kr." in answer.text and "Familierne blev fulgt tæt" in answer.text
    assert "risikovillige" not in answer.text


def _quote_after_contacts() -> Hit:
    """A chunk running over a page break: contact names, a quote with its byline, then the content."""
    chunk = Chunk(chunk_id="ds.txt#1", file="ds.txt", title="Titel", publisher="DS", year=2021, url="", position=1,
                  text="", sentences=("Louise Carlsberg Christensen eller Mette Laurberg",
                                      "Jeg er slet ikke i tvivl om, at vi nu griber nogle børn tidligere.",
                                      "— Johnnie James Fischer, afdelingsleder på Sanderumskolen i Odense.",
                                      "Personalet i skoler sender deres bekymringer videre til kommunen.",
                                      "Pædagoger kan få faglig sparring fra en socialrådgiver ved skolen."))
    return Hit(chunk, score=0.88, dense=0.88, rank=1, row=1)


def test_contact_lines_are_not_added_as_context_unless_people_are_asked_for():
    similarities = np.array([0.5, 0.8, 0.4, 0.85, 0.9])
    answer = compose_answer("Hvad gør vi, når vi er bekymrede for et barn?", (_quote_after_contacts(),),
                            scorer=lambda h: similarities)
    assert "faglig sparring" in answer.text and "griber nogle børn" in answer.text
    assert "Louise Carlsberg" not in answer.text
    assert "— Johnnie James Fischer" in answer.text  # the byline of the quote picked before it
    asked = compose_answer("Hvem kan vi kontakte om bekymringer for et barn?", (_quote_after_contacts(),),
                           scorer=lambda h: similarities)
    assert "Louise Carlsberg" in asked.text


def test_a_sentence_two_passages_share_is_said_once():
    shared = "Der er investeret 2 mio. kr. om året i 4 år i Herning."
    first = _hit(f"Om Herning. {shared} Alle kommuner er forskellige. Slide: Investeringsmodel.", "herning.txt")
    copy = _hit(f"{shared} Efter 2 år er der allerede hentet 4,7 mio. kr.", "herning-kopi.txt", rank=2)
    answer = compose_answer("Hvor meget blev der investeret om året?", (first, copy),
                            scorer=lambda hit: np.full(len(hit.chunk.sentences), 0.9))
    assert answer.text.count("investeret 2 mio. kr.") == 1
    assert "4,7 mio. kr." in answer.text


def test_a_heading_repeated_within_a_passage_is_said_once():
    slides = ("Herning investerer i tidlig indsats", "Der er investeret 2 mio. kr. om året.",
              "Herning investerer i tidlig indsats", "Efter 2 år er der hentet 4,7 mio. kr.")
    hit = _hit("\n".join(slides), "herning.txt")
    hit = replace(hit, chunk=replace(hit.chunk, sentences=slides))
    answer = compose_answer("Hvad investerede Herning?", (hit,))
    assert answer.text.count("Herning investerer i tidlig indsats") == 1
    assert "4,7 mio. kr." in answer.text


def test_more_from_a_passage_says_nothing_an_earlier_answer_said():
    items = ("Herning-modellens force", "- God og grundig implementering.", "- Alle løser sagen i fællesskab.",
             "- Socialrådgiverne følger oftere op på foranstaltningerne i Herning.", "- Der opstår færre klagesager.")
    hit = _hit("\n".join(items), "herning.txt")
    hit = replace(hit, chunk=replace(hit.chunk, sentences=items))
    said = " ".join(items[:2]) + " - Alle løser sagen i fællesskab. - Socialrådgiverne"  # shown lines may join
    more = compose_answer("Hvad er Herning-modellens force?", (hit,), before=said)
    assert "følger oftere op" in more.text and "færre klagesager" in more.text
    assert not any(item in more.text for item in items[:3])


def test_english_question_gets_a_note():
    answer = compose_answer("How much did Herning invest and get back?", (HERNING,))
    assert answer.text.endswith("(I answer in Danish, from Danish documents.)")
    assert looks_english("How many families are part of it?") and not looks_english("Hvor mange familier er med?")


def test_shorten_gives_one_sentence_per_source():
    full = compose_answer("Hvad fik Herning igen?", (HERNING,))
    short = shorten("Hvad fik Herning igen?", full)
    assert short.text.startswith("Kort fortalt:") and short.sources == full.sources
    assert len(short.text.split("\n\n")[0].split()) < len(full.text.split("\n\n")[0].split())


def test_a_picked_list_lead_in_brings_its_items_on_lines_of_their_own():
    passage = _hit("Dagtilbudssocialrådgiverne møder mange familier. Typiske problemstillinger kan være: "
                   "- Skilsmisseproblemstillinger - Bekymrede forældre - Sparsomt netværk", "dagtilbud.txt")
    chunk = passage.chunk
    sentences = ("Dagtilbudssocialrådgiverne møder mange familier.", "Typiske problemstillinger kan være:",
                 "- Skilsmisseproblemstillinger", "- Bekymrede forældre", "- Sparsomt netværk")
    listed = Hit(Chunk(**{**chunk.to_dict(), "sentences": sentences}), score=0.9, dense=0.9, rank=1, row=1)
    similarities = np.array([0.80, 0.95, 0.70, 0.70, 0.70])
    answer = compose_answer("Hvilke problemstillinger møder de?", (listed,), lambda hit: similarities)
    assert "kan være:\n- Skilsmisseproblemstillinger\n- Bekymrede forældre\n- Sparsomt netværk" in answer.text


def test_an_organisation_asked_about_must_be_one_the_passage_or_its_publisher_names():
    sparring = _hit("Pædagoger kan få faglig sparring fra en socialrådgiver i dagtilbuddet.", dense=0.9)
    verdict = decide("Hvad mener VIVE om sparring fra socialrådgivere i dagtilbud?", [sparring])
    assert not verdict.answerable and verdict.reason is DeclineReason.PLACE_OR_YEAR
    assert decide("Hvad mener Dansk Socialrådgiverforening om sparring fra socialrådgivere i dagtilbud?",
                  [replace(sparring, chunk=replace(sparring.chunk, publisher="Dansk Socialrådgiverforening"))]).answerable


def test_an_english_question_is_held_to_lower_dense_thresholds():
    hit = _hit("Herning investerede 2 mio. kr. om året i tidlig indsats og hentede 4,7 mio. kr.", dense=0.78)
    assert decide("How much did Herning invest in early intervention?", [hit]).answerable
    assert not decide("How much did Herning invest in early intervention?", [replace(hit, dense=0.70)]).answerable
    assert not decide("Hvor meget investerede Herning i tidlig indsats?", [hit]).answerable  # Danish: 0.80


def test_a_name_an_english_question_uses_must_be_known_unless_it_is_an_english_word():
    sparring = _hit("Pædagoger i dagtilbud kan få faglig sparring fra en socialrådgiver.", dense=0.9)
    unknown = decide("What does BUPL recommend about sparring for pedagogues?", [sparring])
    assert not unknown.answerable and unknown.reason is DeclineReason.UNKNOWN_NAME
    # "Danish" is an English word the Danish documents write otherwise: not looked up.
    assert decide("What sparring can Danish pedagogues get?", [sparring]).answerable


def test_a_follow_up_about_the_answer_just_given_is_answered_from_its_documents():
    from bot.language.query import Query

    pejlemaerker = _hit("Københavns Kommune har ti socialpolitiske pejlemærker. To gange om året fremlægges det "
                        "for politikerne, hvordan det går.", "kbh.txt", dense=0.82)
    previous = Query.parse("Hvilke indikatorer følger København?")
    follow_up = Query.in_context(Query.parse("hvor tit følger de op?"), previous, ("kbh.txt",))
    assert decide(follow_up, [pejlemaerker]).answerable  # the topic is settled by the answer before
    elsewhere = Query.in_context(Query.parse("hvor tit følger de op?"), previous, ("andet.txt",))
    assert not decide(elsewhere, [pejlemaerker]).answerable  # few subject words found, another document


def test_a_legal_deadline_or_paragraph_the_passage_does_not_state_is_declined():
    from bot.schema import DeclineReason

    passage = _hit("Den dialogbaserede underretning udarbejdes på et møde, som forældrene deltager i, "
                   "jf. servicelovens § 11.", "vive.txt")
    deadline = decide("Hvad er fristen for at behandle en underretning efter serviceloven?", [passage])
    assert not deadline.answerable and deadline.reason is DeclineReason.LEGAL
    assert not decide("Hvad står der i servicelovens § 50?", [passage]).answerable
    assert decide("Hvad siger servicelovens § 11 om den dialogbaserede underretning?", [passage]).answerable
    # "paragraf 11" is "§ 11" written out; a bare "paragraf" is answered by a passage citing one.
    assert decide("hvad siger paragraf 11 om den dialogbaserede underretning", [passage]).answerable
    assert not decide("hvad siger paragraf 50 om den dialogbaserede underretning", [passage]).answerable
    assert decide("Hvilken paragraf nævnes om den dialogbaserede underretning?", [passage]).answerable
    plain = _hit("Den dialogbaserede underretning udarbejdes på et møde, som forældrene deltager i.", "vive.txt")
    assert not decide("Hvilken paragraf gælder for den dialogbaserede underretning?", [plain]).answerable


def test_a_legal_word_of_the_question_a_follow_up_leans_on_is_not_asked_again():
    kik = _hit("I Aabenraa er målet at reducere antallet af mennesker på disse ydelser fra 1130 til under 800 senest i maj 2022. "
               "Antallet er reduceret til 725.", "ds.txt", dense=0.86)
    previous = Query.parse("Hvilket mål satte Aabenraa for KIK II, og hvad var fristen?")
    turned_out = Query.in_context(Query.parse("og hvordan gik det?"), previous, ("ds.txt",))
    assert decide(turned_out, [kik]).answerable  # "fristen" was the question before's
    deadline = Query.in_context(Query.parse("og hvad er fristen efter loven?"), previous, ("ds.txt",))
    assert decide(deadline, [kik]).reason is DeclineReason.LEGAL  # the message's own legal word still counts


def test_english_is_recognised_without_the_most_common_markers():
    assert looks_english("Since when have the schools in Odense had social workers attached?")
    assert not looks_english("Har det virket med socialrådgivere i Odense?")


def test_a_name_asked_for_is_taken_from_another_passage_when_the_best_one_has_none():
    pool = _hit("Regeringen afsætter 96 mio. kr. til puljen. Kommunerne kan søge midler fra puljen.", "pulje.txt")
    minister = _hit("Social- og indenrigsminister Karen Ellemann siger, at det er en vigtig prioritet.", "pulje.txt",
                    dense=0.80, rank=2)
    answer = compose_answer("Hvem var minister, da puljen blev aftalt?", (pool, minister))
    assert "Karen Ellemann" in answer.text


def test_an_english_question_nlu_takes_for_out_of_scope_is_declined():
    from bot.qa.relevance import STRICT_POLICY

    question = "What's the weather going to be like in Herning tomorrow?"
    assert decide(question, [HERNING]).answerable  # English: the dense match decides ...
    assert not decide(question, [HERNING], policy=STRICT_POLICY).answerable  # ... unless NLU said out of scope


def test_a_message_without_subject_words_is_not_answered():
    assert not decide("[31m 2 ?", [HERNING]).answerable
    assert decide("Herning?", [HERNING]).answerable


def test_an_amount_of_money_asked_about_must_be_stated_for_the_year_asked():
    saving = _hit("Aabenraa har investeret i KIK. Besparelse i 2020 på 17 millioner kroner.", "aabenraa.txt",
                  year=2021)
    years = {"aabenraa.txt": frozenset({2020, 2021})}
    assert decide("Hvor meget sparede Aabenraa på KIK i 2020?", [saving], years).answerable
    assert not decide("Hvor meget sparede Aabenraa på KIK i 2021?", [saving], years).answerable
    odense = _hit("I Odense har 97% af skolerne oplevet en positiv effekt af socialrådgivere på skolerne.", "odense.txt")
    assert not decide("Hvor mange penge har Odense sparet med socialrådgivere på skolerne?", [odense]).answerable
    assert decide("Hvor mange af skolerne i Odense har oplevet en positiv effekt?", [odense]).answerable
    # A verb of money after "hvad", or "i kroner", asks for an amount as well; "hvad brugte de pengene til?" does not.
    assert not decide("Hvad kostede socialrådgiverne på skolerne i Odense?", [odense]).answerable
    assert not decide("Hvad sparede Odense på socialrådgivere på skolerne i kroner?", [odense]).answerable
    assert decide("Hvad investerede Herning?", [HERNING]).answerable
    assert not Query.parse("Hvad brugte Aabenraa pengene til?").asks_amount
    assert Query.parse("What did the project cost?").asks_amount
    # The perfect tense asks too, and an amount asked for is a number wanted in the answer.
    assert not decide("Hvad har Odense investeret i socialrådgivere på skolerne?", [odense]).answerable
    perfect = Query.parse("Hvor meget har Herning investeret?")
    assert perfect.asks_amount and perfect.wanted_shapes and perfect.wanted_shapes[0].search("2 mio. kr.")
    assert not Query.parse("Hvad har Herning gjort?").asks_amount


def test_a_quoted_name_must_be_in_a_passage_all_its_words_together():
    sund = _hit("Aabenraa satser på sund økonomi. Børns opvækst og familiens situation betyder meget.", "aabenraa.txt")
    assert not decide("Hvad står der i Aabenraas børne- og familiepolitik 'Sund opvækst'?", [sund]).answerable
    assert decide("How many families are in the Aarhus project 'Tættere på Familien'?", [AARHUS]).answerable
    assert decide("Hvad er KL's udspil om Aarhus' projekt?", [AARHUS]).answerable


def test_a_figures_source_line_ranks_below_the_content():
    sentences = ["Kilde: Analyse af de økonomiske gevinster, Rambøll, marts 2012",
                 "Fire indsatser har et samlet potentiale på 2,5 mia. kr. årligt."]
    scores = sentence_scores("Hvad er de økonomiske gevinster ifølge Rambøll?", sentences, np.array([0.84, 0.85]))
    assert scores[1] > scores[0]


def test_contact_details_and_bylines_rank_below_the_content_unless_asked_for():
    sentences = ["Louise Carlsberg Christensen eller Mette Laurberg",
                 "Det gør en stor forskel for børnene i dagtilbuddet."]
    similarities = np.array([0.86, 0.85])
    scores = sentence_scores("Hvordan hjælper ordningen?", sentences, similarities)
    assert scores[1] > scores[0]
    scores = sentence_scores("Hvem hjælper i ordningen?", sentences, similarities)
    assert scores[0] > scores[1]
    # A byline naming the person the question asks about is what is asked (folds: answerable 484 -> 485).
    byline = ["Katrine Iversen, Chefanalytiker", "VIVE har undersøgt 18 kommuners erfaringer med omlægningen."]
    scores = sentence_scores("Hvad er Katrine Iversens stilling?", byline, np.array([0.85, 0.86]))
    assert scores[0] > scores[1]


def test_which_municipalities_needs_passages_that_name_them():
    pool = _hit("Satspuljen på 96 mio. kr.: i omegnen af 25 kommuner kan søge, inspireret af Herning Kommune.", "pulje.txt")
    assert not decide("Hvilke kommuner fik penge fra puljen på 96 mio.?", [pool]).answerable
    both = _hit("Herning og Aarhus har investeret i tidlig indsats.", "kommuner.txt")
    assert decide("Hvilke kommuner har investeret i tidlig indsats?", [both]).answerable


def test_words_of_the_documents_own_title_earn_no_bonus():
    sentences = ["VIVE har undersøgt 18 kommuners omlægning:",
                 "Den overordnede ambition er bedre betingelser for børn."]
    question = "Hvad er den overordnede ambition med omlægningen ifølge VIVE?"
    similarities = np.array([0.85, 0.84])
    common = frozenset(analyse("Kommuners omlægning VIVE"))
    assert sentence_scores(question, sentences, similarities)[0] >= sentence_scores(question, sentences, similarities)[1]
    scores = sentence_scores(question, sentences, similarities, common)
    assert scores[1] > scores[0]


def test_a_question_word_inside_a_compound_earns_the_bonus():
    sentences = ["Det kræver mod og vilje.", "Der er lokalpolitisk fokus på omlægningen."]
    scores = sentence_scores("Hvad skal der til fra politisk side?", sentences, np.array([0.85, 0.84]))
    assert scores[1] > scores[0]


def test_in_a_comparison_each_place_gives_the_figure_asked_for():
    filler = " ".join(f"Familierne i byen fik hjælp nummer {n} af mange slags." for n in "abcdefghij")
    herning = _hit(f"Herning investerede i tidlig indsats for familierne. {filler} Herning hentede 4,7 mio. kr.",
                   "herning.txt")
    aarhus = _hit(f"Aarhus investerede i tidlig indsats for familierne. {filler} Aarhus sparede 6,3 millioner kroner.",
                  "aarhus.txt", rank=2)
    answer = compose_answer("Herning eller Aarhus – hvor har tidlig indsats givet mest økonomisk?", (herning, aarhus),
                            lambda hit: np.array([0.9] + [0.5] * 10 + [0.3]))
    assert "4,7 mio. kr." in answer.text and "6,3 millioner kroner" in answer.text


def test_a_question_asking_when_gets_the_sentence_with_the_date():
    sentences = ["Det tidlige sociale arbejde styrkes", "28-10-2015", "Regeringen afsætter 96 mio. kr."]
    scores = sentence_scores("When was the press release published?", sentences, np.array([0.85, 0.82, 0.83]))
    assert int(np.argmax(scores)) == 1


def test_a_question_asking_how_many_of_something_gets_the_sentence_counting_it():
    filler = " ".join(f"Initiativet bygger på de gode erfaringer med at følge udsatte familier tæt i {place}, "
                      "hvor socialrådgiverne har haft tid til hver enkelt familie."
                      for place in ("Herning", "Aarhus", "Odense", "Aabenraa", "Holstebro", "Rebild", "Thisted"))
    pool = _hit("Regeringen afsætter 96 mio. kr. til at styrke det forebyggende arbejde i kommunerne. "
                f"{filler} Det forventes, at i omegnen af 25 kommuner kan søge.", "pulje.txt")
    sentences = len(pool.chunk.sentences)
    similarities = np.array([0.9] + [0.7] * (sentences - 2) + [0.5])
    answer = compose_answer("Hvor mange kommuner kan søge puljen?", (pool,), scorer=lambda h: similarities)
    assert "25 kommuner" in answer.text
    assert Query.parse("Hvor mange penge fik de?").counted is None  # an amount: any number will do


def test_a_count_no_passage_states_is_declined():
    families = _hit("Rebild Kommune har etableret Projekt ny start for familier med komplekse problemer.", "rebild.txt")
    verdict = decide("Hvor mange familier deltog i Rebild Kommunes Projekt ny start?", [families])
    assert verdict.reason is DeclineReason.COUNT_MISSING
    counted = _hit("Rebild Kommune har etableret Projekt ny start, hvor 40 familier med komplekse problemer deltog.",
                   "rebild.txt")
    assert decide("Hvor mange familier deltog i Rebild Kommunes Projekt ny start?", [counted]).answerable


def test_a_question_asking_how_often_gets_the_sentence_with_the_frequency():
    sentences = ["Kommunen har politiske mål", "Status gøres op to gange om året", "Målene er ambitiøse"]
    similarities = np.array([0.89, 0.82, 0.83])
    assert int(np.argmax(sentence_scores("Hvor ofte gøres status op?", sentences, similarities))) == 1
    assert int(np.argmax(sentence_scores("Hvordan gøres status op?", sentences, similarities))) == 0


def test_a_name_the_documents_never_use_is_declined():
    terms = SubjectTerms.from_texts([HERNING.chunk.text, AARHUS.chunk.text])
    assert not decide("Hvad siger FOA om investering i Herning?", [HERNING], terms=terms).answerable
    assert not decide("Hvad siger Red Barnet om familier i Aarhus?", [AARHUS], terms=terms).answerable
    assert decide("Hvad er projektet Tættere på Familien i Aarhus?", [AARHUS], terms=terms).answerable
    assert decide("Hvad har Herning Kommune investeret?", [HERNING], terms=terms).answerable
    # A name joined by hyphens is known when each part is; one unknown part is enough to decline.
    assert names_known(Query.parse("Hvad viser Herning-investeringsmodellen?"), (HERNING,), terms)
    assert names_known(Query.parse("Hvad har Aarhus-Familien-projektet givet?"), (AARHUS,), terms)
    assert not names_known(Query.parse("Hvad har FOA-projektet i Aarhus givet?"), (AARHUS,), terms)
    # A part of an organisation's name ("Indenrigsministeriet" in the ministry's) is checked as the organisation.
    assert names_known(Query.parse("Hvad har Herning opnået ifølge Social- og Indenrigsministeriet?"), (HERNING,), terms)
    assert not names_known(Query.parse("Hvad har Herning opnået ifølge Indenrigsministeriet?"), (HERNING,), terms)
    # A worried pedagogue names the child: the name is not what the question is about.
    question = "Har Herning investeret i Emma og de andre børn?"
    assert not decide(question, [HERNING], terms=terms).answerable
    assert decide(question, [HERNING], terms=terms, policy=GUIDANCE_POLICY).answerable


def test_the_word_naming_an_organisation_is_not_a_missing_subject_word():
    kl = _hit("KL har et udspil om samskabelse mellem kommunen og borgeren.", "kl.txt", dense=0.82)
    terms = SubjectTerms.from_texts([kl.chunk.text, HERNING.chunk.text, AARHUS.chunk.text])
    assert decide("Hvad står der i KLs udspil?", [kl], terms=terms).answerable


def test_a_verb_framing_the_question_is_no_subject_word():
    kl = _hit("KL anbefaler, at kommunalbestyrelsen sikrer virksomme metoder på det sociale område.", "kl.txt")
    assert not decide("Hvad anbefaler KL om hjemmeplejen?", [kl]).answerable
    assert decide("Hvad anbefaler KL om virksomme metoder?", [kl]).answerable


def test_the_part_of_a_document_a_question_names_is_no_subject_word():
    kl = _hit("Forord. KL ønsker et fokusskifte i socialpolitikken med tidlige indsatser.", "kl.txt", dense=0.82)
    other = _hit("Afsnittet handler om frivillige i ældreplejen. Overskriften er Frivillighed.", "other.txt", rank=2)
    terms = SubjectTerms.from_texts([kl.chunk.text, other.chunk.text, HERNING.chunk.text, AARHUS.chunk.text])
    # "afsnittet" and "overskriften" are rare in the corpus: as subject words they would outweigh "fokusskifte"
    assert decide("Hvad står der om fokusskifte under overskriften i afsnittet?", [kl], terms=terms).answerable
    assert not decide("Hvad står der om hjemmeplejen i afsnittet?", [kl], terms=terms).answerable


def test_a_region_asked_about_must_be_one_the_passage_speaks_of():
    assert not decide("Hvad har Region Midtjylland investeret i tidlig indsats?", [HERNING]).answerable
    region = _hit("Region Midtjylland har investeret 3 mio. kr. i tidlig indsats i Herning.", "region.txt")
    assert decide("Hvad har Region Midtjylland investeret i tidlig indsats?", [region]).answerable


def test_the_parts_of_a_two_part_question_are_combined_each_sentence_once():
    invested = compose_answer("Hvad har Herning investeret?", (HERNING,))
    families = compose_answer("Hvor mange familier er med i Aarhus?", (AARHUS, HERNING))
    answer = combine([invested, families], english=False)
    assert "2 mio. kr." in answer.text and "580 familier" in answer.text
    body = answer.text.split("\n\nKilde")[0]
    sentences = [s for line in body.split("\n") for s in split_sentences(line) if s]
    assert len(sentences) == len(set(sentences))
    assert {source.file for source in answer.sources} == {"herning.txt", "aarhus.txt"}
    assert answer.text.count("»Titel herning.txt«") == 1


def test_the_question_before_asked_again_about_another_place_is_answered_by_that_places_passage():
    terms = SubjectTerms.from_texts([HERNING.chunk.text, AARHUS.chunk.text])
    question = Query.parse("Hvad investerede Aarhus i rådgivning, og hvad fik de igen?")  # "og Aarhus?" rewritten
    assert decide(question, [AARHUS], terms=terms).reason is DeclineReason.NOT_CLOSE
    assert decide(replace(question, asked_again=True), [AARHUS], terms=terms).answerable
    elsewhere = replace(Query.parse("Hvad investerede Vejle i rådgivning?"), asked_again=True)
    assert decide(elsewhere, [AARHUS], terms=terms).reason is DeclineReason.PLACE_OR_YEAR


def _excerpt_of_lines(sentences: tuple[str, ...], similarities: list[float]) -> str:
    """The answer to a question on dialogue-based notifications from one passage of these lines (slide text)."""
    chunk = Chunk(chunk_id="vive.txt#1", file="vive.txt", title="Titel", publisher="VIVE", year=2021, url="",
                  position=1, text="\n".join(sentences), sentences=sentences)
    hit = Hit(chunk, score=0.9, dense=0.9, rank=1, row=1)
    return compose_answer("Hvordan foregår en dialogbaseret underretning?", (hit,),
                          lambda h: np.array(similarities)).text


def test_a_heading_quoted_with_its_neighbours_stands_on_a_line_of_its_own():
    sentences = ("Underretninger bygger ofte på andres beskrivelse af bekymringen.", "Dialogbaseret underretning",
                 "Forældrene deltager i et møde om underretningen.")
    assert "bekymringen.\nDialogbaseret underretning\nForældrene deltager" in _excerpt_of_lines(sentences, [0.8, 0.9, 0.85])


def test_what_follows_a_list_item_starts_a_line_of_its_own():
    sentences = ("- Bygger på en anerkendende tilgang, hvor der spørges ind til barnets mistrivsel, fremfor at fortolke "
                 "på andres beskrivelse af bekymringen", "Oplevelsen er, at:",
                 "- underretningen skaber en smidigere sagsgang")
    assert "bekymringen\nOplevelsen er, at:\n- underretningen" in _excerpt_of_lines(sentences, [0.9, 0.8, 0.85])


def test_a_missing_section_is_declined_unless_a_passage_covers_its_title():
    sections = ("Unge sårbare mødre",)
    policy = RelevancePolicy(min_dense=0.0, min_term_coverage=0.0, missing_sections=sections)
    question = "Hvad står der om unge sårbare mødre?"
    assert decide(question, [HERNING], policy=policy).reason is DeclineReason.SECTION_MISSING
    mothers = _hit("Unge mødre, der er sårbare, får tilbud om et forløb hos sundhedsplejen.", "kl.txt")
    assert decide(question, [mothers], policy=policy).answerable
    assert decide(question, [HERNING], policy=replace(policy, missing_sections=())).answerable


def test_an_answer_may_quote_hits_that_pass_every_check_but_closeness():
    question = "Hvor meget investerede Herning?"
    far = _hit("Herning Kommune fik flere pædagoger i dagplejen, og sagsbehandlerne fik færre sager.", "herning2.txt",
               dense=0.5, rank=3)
    hits = [HERNING, AARHUS, far]
    verdict = decide(question, hits)
    assert verdict.hits == (HERNING,)
    # The Aarhus passage fails the place check, so only the far Herning passage joins, after the kept one.
    assert quotable(question, hits, verdict) == (HERNING, far)


def test_a_common_danish_word_written_as_a_name_need_not_be_the_documents():
    terms = SubjectTerms.from_texts([HERNING.chunk.text, AARHUS.chunk.text])
    assert names_known(Query.parse("Kan Folketinget pålægge kommunerne at investere som Herning?"), (HERNING,), terms)
    assert not names_known(Query.parse("Hvad mener BUPL om investeringen i Herning?"), (HERNING,), terms)
    assert not names_known(Query.parse("Hvad siger Sundhedsstyrelsen om Herning?"), (HERNING,), terms)


def test_a_close_passage_about_the_asked_municipality_joins_the_answer():
    # The Copenhagen paper's examples and its list of indicators sit in two passages, both about Copenhagen.
    examples = _hit("Københavns Kommune giver eksempler på fælles mål for socialområdet.", "kbh.txt", rank=1)
    indicators = _hit("De ti socialpolitiske pejlemærker i København er: Flere udsatte børn får en tidligere indsats.",
                      "kbh.txt", rank=2)
    scores = {1: np.array([0.84]), 2: np.array([0.83])}
    answer = compose_answer("Hvilke indikatorer bruger København?", (examples, indicators),
                            scorer=lambda hit: scores[hit.row])
    assert "Københavns Kommune giver eksempler" in answer.text and "pejlemærker" in answer.text


def test_room_a_short_second_passage_leaves_goes_to_the_best_passage():
    long_passage = " ".join(f"Herning fulgte familie nummer {n} tæt med socialrådgivere og pædagoger." for n in range(12))
    best = _hit(long_passage, "herning.txt", rank=1)
    short = _hit("Herning sparede penge.", "ministeriet.txt", rank=2)
    scores = {1: np.linspace(0.9, 0.8, 12), 2: np.array([0.89])}
    answer = compose_answer("Hvordan arbejdede Herning med familierne?", (best, short), scorer=lambda hit: scores[hit.row])
    excerpt = answer.sources[0].passage
    assert answer.sources[1].passage == "Herning sparede penge."
    assert len(excerpt.split()) > 100  # more than half of the answer's length, since the other passage is short
    assert len(answer.text.split()) <= MAX_WORDS + 40  # the excerpts stay within MAX_WORDS (plus the citation)
