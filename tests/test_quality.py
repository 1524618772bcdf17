"""The story quality measures on known texts: the failures the health runs must see (French and
invented words, the hero in the third person, copied spans, glued words, prompt text as plans)
and the good prose they must pass."""

from __future__ import annotations

import json

from rgpt_fiction import quality as q
from rgpt_fiction.report import quality_summary

GOOD = (
    "The rain follows you down the steps to the quay, where the tide has pulled back and left the old "
    "streets of Lowtown shining with weed. Moss Dellacroix waits under a gas lamp, turning a pearl cufflink "
    "between his fingers. \"You're late,\" he says, \"and the water doesn't wait for anyone.\" Behind him "
    "the door of the drowned ballroom stands open, and somewhere inside a trumpet starts to play."
)
NAMES = q.story_names(
    {"title": "The Low Tide Club", "characters": [{"name": "Moss Dellacroix"}, {"name": "Vera Castellane"}],
     "premise": "Jack Corrigan looks for the ledger in Lowtown."},
    "Jack Corrigan", [],
)


def test_good_prose_is_english_second_person_and_unglued():
    assert q.english_rate(GOOD, NAMES) == 1.0
    assert q.second_person(GOOD, "Jack Corrigan")
    assert q.glued_words(GOOD, NAMES) == []


def test_french_and_invented_words_are_not_english():
    """The gibberish the old default wrote (issue 13's examples)."""
    assert q.english_rate("Listen a fait le faire de toi, monsieur elles") < 0.6
    assert q.english_rate("Run down han ley, mrieres ire sind byr") < 0.8
    assert q.english_rate("Shear cepet to irelle I am myrest") < 0.8
    for text in ("Vous entrez dans la pièce et vous voyez une table.", "Du gehst in den Raum und siehst einen Tisch.",
                 "Entras en la habitación y ves una mesa."):
        assert q.english_rate(text) < 0.7, text


def test_english_words_other_languages_share_stay_english():
    assert q.english_rate("Pour the dire con into the door; die by the chair in pain, my son.") == 1.0


def test_names_inside_a_sentence_are_left_out_and_known_names_count():
    assert q.english_rate("You find Zorblax at the quay.") == 1.0  # an invented name is not held against it
    assert q.english_rate("Zorblax waits at the quay.") < 1.0  # a sentence's first word is judged as a word
    assert q.english_rate("Dellacroix waits at the quay.", NAMES) == 1.0


def test_the_hero_named_in_the_third_person_is_seen():
    assert not q.second_person("Jack Corrigan walks out into the rain. You hear a car.", "Jack Corrigan")
    assert not q.second_person("The reader, Jack Corrigan, walks out into the rain.", "Jack Corrigan")
    assert not q.second_person("He walks out into the rain.", "Jack Corrigan")  # no "you" at all
    assert q.second_person('You walk in. "Jack," Vera says, "you came back."', "Jack Corrigan")


def test_copied_spans_are_counted_against_the_sources():
    prompt = "Last paragraph: The widow puts five hundred dollars on your desk and a brass key on its ring."
    copy = "The widow puts five hundred dollars on your desk and a brass key on its ring. You pocket it."
    assert q.copied_rate(copy, [prompt]) > 0.5
    assert q.copied_rate(GOOD, [prompt]) == 0.0


def test_glued_words_are_found_and_real_compounds_pass():
    text = ("You take oneof the keys, the brasskey holdingthe door fromJack, by the windowsill in the "
            "candlelit room with its floorboards and lamplight, into the stairwell, oneself, atop the seawall.")
    assert q.glued_words(text, NAMES) == ["oneof", "brasskey", "holdingthe", "fromJack"]


def test_plans_must_be_short_english_actions_not_prompt_text():
    para = "The lamplighter points his pole at a boat tied below the steps."
    assert q.plan_problem("Ask Moss Dellacroix where the ledger is", para, NAMES) == ""
    assert q.plan_problem("Search a plan", para) == "about the game, not an action in it"
    assert q.plan_problem("Keep the reader on their feet", para) == "about the game, not an action in it"
    assert q.plan_problem("Premise: a detective looks for a ledger", para) == "prompt label"
    assert q.plan_problem("Turn 6: You show Moss Dellacroix to the Police.", para, NAMES) == "prompt label"
    assert q.plan_problem("Go", para) == "1 words"
    assert q.plan_problem("Listen a fait le faire de toi, monsieur elles", para) == "not English"
    assert q.plan_problem("Watch the lamplighter points his pole at a boat", para) == "copies the paragraph"


def test_a_typed_plan_taken_up_scores_higher_than_one_ignored():
    plan = "I hide the letter under the floorboards"
    taken = "You kneel, pry up a loose floorboard and hide the letter beneath it."
    ignored = "The rain keeps falling on the harbour while a car waits across the street."
    assert q.plan_followed(plan, taken) >= 0.6
    assert q.plan_followed(plan, ignored) == 0.0


def test_a_turn_is_measured_and_summarised_for_the_report():
    good = q.measure(GOOD, ["Follow Moss into the ballroom", "Ask Moss about the ledger", "Wait by the lamp"],
                     "You met Moss in Lowtown.", ["Moss waits in Lowtown"], hero="Jack Corrigan", known=NAMES,
                     sources=["Premise: Jack Corrigan looks for the ledger."])
    bad = q.measure("Jack Corrigan walks oneof the streets. Vous entrez dans la pièce.", ["Search a plan"],
                    "Shear cepet to irelle", [], hero="Jack Corrigan", known=NAMES, sources=[],
                    plan="I search for the ledger", own_plan=True, templated=2)
    assert good.english_rate == 1.0 and good.second_person and good.plans_ok and good.glued_words == []
    assert bad.english_rate < 0.97 and not bad.second_person and not bad.plans_ok
    assert bad.glued_words == ["oneof"] and bad.plan_followed == 0.0
    assert "2 plan(s) filled by the game" in bad.plan_problems
    from dataclasses import asdict

    rows = [
        {"turn": 1, "paragraph_words": 60, "repairs": [], "quality": asdict(good)},
        {"turn": 2, "paragraph_words": 10, "repairs": ["filled 2 plan(s)"], "quality": asdict(bad), "world_event": 0},
    ]
    rows = json.loads(json.dumps(rows))  # as the stats file holds them
    s = quality_summary(rows)
    assert s["turns_english_below_097"] == 1 and s["second_person"] == 0.5 and s["model_plans"] == 0.5
    assert s["glued"] == ["oneof"] and s["typed"] == 1 and s["plan_followed"] == 0.0
    from rgpt_fiction.report import quality_section

    section = "\n".join(quality_section(rows))
    assert "- Worn phrases (4 words the story told in two earlier paragraphs or more): in 0 of 2" in section
    assert "world event, whose own choices (by the world's author) are offered first: 1" in section


def test_misspelt_names_and_plain_words_are_not_glued():
    names = NAMES | {"castellane"}
    assert q.glued_words("Vera Castelane washes the glass and the tide washes over the steps.", names) == []
    assert q.glued_words("You walk tothe quay andthe boat.", names) == ["tothe", "andthe"]
    # a name the story has not told before, capitalised inside a sentence, is a name (a ninetybells play)
    assert q.glued_words("You go to Yuzhu village, and Yuzhu looks up.", names) == []
    assert q.glued_words("You walk along the quay fromJack to Vera.", names) == ["fromJack"]
    # a rare word made with an ending is one word (a ninetybells play: "a caravaner named Tamerlane")
    assert q.glued_words("You find a caravaner in Kashgar, and the caravanthe waits.", names) == ["caravanthe"]


def test_the_words_of_the_world_count_as_known_in_every_measure_of_a_turn():
    """A ninetybells play: "ingot" and "paiza", words of the world's own events and lore, were counted as
    glued words in 9 turns."""
    from types import SimpleNamespace

    from rgpt_fiction.engine.events import TurnStats
    from rgpt_fiction.engine.state import Node, Persona
    from rgpt_fiction.world.model import World

    world = World.model_validate({"schema": 1, "title": "Ninety Bells", "summary": "s", "premise": "A caravan.",
                                  "lore": [{"text": "A paiza is a brass plate that lets a rider pass.", "keys": ["paiza"]}],
                                  "events": [{"text": "A man offers you a silver ingot for your horse."}]})
    node = Node(id=1, parent=0, plan="Show the paiza", paragraph="You show the paiza and weigh the ingot in your hand.",
                plans=["Sell the ingot at the market", "Hide the paiza in your boot", "Ride on to the relay station"],
                memory="You showed the paiza.", facts=[])
    game = SimpleNamespace(world=world, persona=Persona("Temulun"), nodes={0: node, 1: node},
                           path_ids=lambda node_id: [1])
    quality = q.turn_quality(game, node, [], TurnStats(turn=1, node=1))
    assert quality.glued_words == [] and quality.english_rate == 1.0
    assert q.glued_words(node.paragraph) == ["paiza", "ingot"]  # without the world's words: both


def test_speech_left_open_at_the_end_is_still_speech_and_world_names_after_abbreviations_count():
    para = 'You nod. Mrs. Bramble shakes her head, "It is not related, Robin. Ask Marjorie Quill.'
    assert q.second_person(para, "Robin Ashby")
    names = q.story_names({"title": "Harrowmere", "setting": "The church of St. Wendreda stood on the flats."},
                          "Eliza Crane", [])
    assert "wendreda" in names and q.english_rate("Wendreda's bell rings.", names) == 1.0


def test_a_paragraph_does_not_stop_inside_quoted_speech():
    from rgpt_fiction.engine.text import long_enough

    assert not long_enough('You wait. She says, "It is late. Go home.', 5)
    assert long_enough('You wait. She says, "It is late. Go home."', 5)
    assert not long_enough("You wait and wait", 2)  # no sentence end yet


def test_a_plan_may_speak_of_someone_elses_plans():
    assert q.plan_problem("Ask Mrs. Ashdown about her plans for the night", "") == ""


def test_letters_of_another_script_are_not_english():
    """Seen in a 10-turn Qwen run: "The man stops in front of你 and asks"."""
    assert q.english_rate("The man stops in front of你 and asks you.") < 1.0
    assert q.english_rate("You order a café au lait.") >= 0.8


def test_worn_phrases_are_those_the_story_told_twice_before():
    """From a lowtide play: "his face turning red" in three paragraphs of ten. A phrase told once
    before, or one of common words only ("you look at the"), is not worn."""
    earlier = ["Moss looks up, his face turning red. You look at the door.",
               "The man backs away, his face turning red. You look at the window."]
    now = "You look at the bar. Vera turns, his face turning red, and the band plays on."
    assert q.worn_phrases(now, earlier) == ["his face turning red"]
    assert q.worn_phrases(now, earlier[:1]) == []
    assert q.worn_phrases("You look at the bar.", earlier) == []  # "you look at the": no content words


def test_a_plan_doing_again_what_one_of_the_last_turns_did_is_seen():
    offered = ["Hide the key from the man", "Go to the ballroom", "Ask Moss for help"]
    assert q.does_again("Hide the key from Vera", offered)
    assert q.does_again("Ask Moss if he knows where the brass key is", offered)
    assert not q.does_again("Search the ballroom for the ledger", offered)  # another deed in the same place
    assert not q.does_again("Follow the man to Lowtown", offered)
    good = q.measure(GOOD, ["Hide the key from Vera", "Search the ballroom"], "You met Moss.", [], hero="Jack Corrigan",
                     known=NAMES, sources=[], earlier=["His face turning red, Moss waits."] * 2, offered=offered)
    assert good.plans_again == 1 and good.worn_phrases == []
