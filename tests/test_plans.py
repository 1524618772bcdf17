"""Plans the reader is offered: derailed model output is cut back, the embedded grammar admits real plans."""

import re

import pytest

from rgpt_fiction.engine.parsing import cut_noise, usable_plans
from rgpt_fiction.llm.decoding import PLAN_PATTERN
from rgpt_fiction.llm.embedded import _threads


def test_random_letters_are_cut_with_the_dangling_words_before_them():
    plan = "Hide the letter under the floorboards before the lvIjTJlHtBZLgEwMzWOVfRdUYsXr"
    assert cut_noise(plan) == "Hide the letter under the floorboards…"


@pytest.mark.parametrize("plan", ["Ask McAllister about the DeLorean", "Go to Jean-Baptiste's tavern at 9.", "Open the door."])
def test_real_names_and_punctuation_are_not_noise(plan):
    assert cut_noise(plan) == plan


def test_a_plan_that_is_only_noise_is_dropped():
    kept, problems = usable_plans(["qWeRtYuIoPaSdFgHjKl", "Climb the bell tower", "Wait for the tide"], "", 3)
    assert kept == ["Climb the bell tower", "Wait for the tide"]
    assert problems == ["empty plan"]


def test_a_list_of_deeds_run_together_is_not_a_plan():
    """A lowtide play's last update offered "Check the weather, Follow Mr. Donnelly's radio, Ask the Harbour
    Syndicate what's happening, Check for anyone who knows where the ledger is located, Ask…", clipped, and the
    reader took it; an author's long choice of 18 words is a plan."""
    listed = ("Check the weather, Follow Mr. Donnelly's radio, Ask the Harbour Syndicate what's happening, Check for "
              "anyone who knows where the ledger is located, Ask Vera Castellane")
    long_choice = "Back away, mark the door in your ledger, and go down to check that Cecily is in her bed."
    kept, problems = usable_plans([listed, long_choice, "Wait for the tide"], "", 3)
    assert kept == [long_choice, "Wait for the tide"] and problems == ["plan too long"]


@pytest.mark.parametrize("plan", ["Go to the station at 6.15 and wait.", "Ask the old man about room 12; he knows.",
                                  "Follow the well-dressed stranger!"])
def test_the_embedded_plan_grammar_admits_digits_and_sentences(plan):
    assert re.fullmatch(PLAN_PATTERN.strip("^$"), plan)


def test_embedded_threads_come_from_the_environment_when_valid():
    assert _threads({"RGPT_EMBEDDED_THREADS": "1"}) == 1
    assert _threads({"RGPT_EMBEDDED_THREADS": "zero"}) >= 1
    assert _threads({}) >= 1


def test_raw_newlines_inside_json_strings_still_parse():
    from rgpt_fiction.engine.parsing import parse_update

    up = parse_update('{"plans": ["Ask the keeper", "Hide in the crypt", "Run for the gate"],\n'
                      '"memory": "You came to the house.\nThe bell rang twice at night.", "facts": []}')
    assert up.plans == ["Ask the keeper", "Hide in the crypt", "Run for the gate"]
    assert up.memory.startswith("You came to the house.") and up.problems == []


def test_a_memory_of_stray_syntax_counts_as_missing():
    from rgpt_fiction.engine.parsing import parse_update

    up = parse_update('{"plans": ["Ask the keeper", "Hide"], "memory": ", {\\n   `json: [\\n    ", "facts": ["plans"]}')
    assert up.memory == "" and "missing memory" in up.problems


async def test_plans_are_embedded_while_the_memory_is_still_being_written():
    from hash_embedder import HashEmbedder
    from rgpt_fiction.engine.plan_warmer import PlanWarmer
    from rgpt_fiction.engine.vectors import VectorCache

    vectors = VectorCache(HashEmbedder())
    answer = ('{"plans": ["Climb the bell tower", "Question the ferryman about the fog", "Wait in the chapel"], '
              '"memory": "You reached the island at dusk and the ferryman left you alone with the bells.", "facts": []}')
    pieces = [answer[i:i + 7] for i in range(0, len(answer), 7)]
    warmer = PlanWarmer(vectors, "The fog rolled in.", 3)
    parts: list[str] = []
    started_at = None
    for piece in pieces:
        parts.append(piece)
        warmer.feed(parts)
        if warmer.task is not None and started_at is None:
            started_at = len("".join(parts))
    await warmer.finish()
    assert started_at is not None and started_at < answer.index('"memory": "You reached') + 20  # before the memory was done
    assert vectors.misses == 3
    vectors.many(["Climb the bell tower", "Question the ferryman about the fog", "Wait in the chapel"])
    assert vectors.misses == 3  # the distinctness check finds them cached


@pytest.mark.parametrize("label", ["The next paragraph is: ", "Next paragraph: ", "**Paragraph 2:** ", "The story reads: "])
def test_a_label_before_the_paragraph_is_dropped(label):
    from rgpt_fiction.engine.parsing import clean_paragraph

    assert clean_paragraph(label + "The bells rang out over the pass.") == "The bells rang out over the pass."


def test_the_plan_just_played_is_not_offered_again():
    taken = "Ask Mrs. Ashdown about St. Wendreda"
    kept, problems = usable_plans([taken, "Go to the church on the flats", "Hide behind the black door"], "", 3,
                                  taken=taken)
    assert kept == ["Go to the church on the flats", "Hide behind the black door"]
    assert problems == ["plan repeats the plan just played"]


def test_a_plan_naming_the_hero_is_dropped():
    """The reader is "you": the 1.5B model offered "Tell Eliza Crane to open the door" to the hero Eliza Crane
    (a ten-turn harrowmere play). The family name is also the family's, and quoted words may name the hero."""
    plans = ["Tell Eliza Crane to open the door", "Ask Mrs. Ashdown where Eliza's father went",
             "Ask Mrs. Ashdown about Thomas Crane", 'Answer "Eliza is here" through the door', "Go down to the causeway"]
    kept, problems = usable_plans(plans, "", 5, hero="Miss Eliza Crane")
    assert kept == plans[2:]
    assert problems == ["plan names the hero"] * 2
    assert usable_plans(plans, "", 5)[0] == plans  # no hero given: nothing to drop
    # a verb that is also the hero's name is a verb ("Jack up the car" for Jack Corrigan), and the given name is
    # the one checked, in any letters (not the family name of a hero whose given name is too short to tell)
    assert usable_plans(["Jack up the car", "Tell Jack to run"], "", 5, hero="Jack Corrigan") == (
        ["Jack up the car"], ["plan names the hero"])
    assert usable_plans(["Ask Zoë where the boat is"], "", 5, hero="Zoë Hart")[0] == []
    assert usable_plans(["March to the gate", "Ask Mr. March about the letter"], "", 5, hero="Jo March")[0] == [
        "March to the gate", "Ask Mr. March about the letter"]


def test_a_plan_about_the_writing_is_dropped():
    kept, problems = usable_plans(["Read the paragraph again", "Ask the narrator what comes next", "Read the story",
                                   "Continue the story", "Use the silver coin to find the body",
                                   "Read the story in the almanac", "Show me the route to Ceres Control",
                                   "Tell me about the letter", "Show Moss the letter"], "", 9)
    assert kept == ["Use the silver coin to find the body", "Read the story in the almanac", "Show Moss the letter"]
    assert problems == ["plan about the writing, not the story"] * 6  # "Read the story": a dustchoir play


def test_a_plan_that_shows_or_tells_nothing_is_dropped():
    """ "Show Moss Dellacroix" was offered in two lowtide plays; a reader called it "an unfinished sentence"."""
    plans = ["Show Moss Dellacroix", "Tell Mrs. Ashdown", "Give Vera", "Show Moss, explain where he's from",
             "Show Moss Dellacroix the brass key", "Tell Okafor everything", "Ask Vera Castellane about the ledger",
             "Follow Moss Dellacroix", "Ask Moss, the owner, about the key", "Give Vera, then run"]
    kept, problems = usable_plans(plans, "", 9)
    assert kept == plans[4:9]
    assert problems == ["plan names nothing to give, show or tell"] * 5
    # ...nor a thing shown or given to no one ("Show the causeway", "Show Augustus Vail's face": nonsense to readers)
    plans = ["Show the causeway", "Show Augustus Vail's face", "Give a ring", "Hand the brass key",
             "Show the hymnal to the boy", "Show the captain the propellant gauge", "Give money to the families",
             "Give the star its silver sword", "Offer the hymnal to a mine worker", "Show the brass key and the metal key"]
    kept, problems = usable_plans(plans, "", 10)
    assert kept == plans[4:]
    assert problems == ["plan names nothing to give, show or tell"] * 4
    # ...nor one offered to no one ("Offer the door", in a harrowmere play); a thing given to someone is a plan,
    # and so are help, a deal or a thing given back
    plans = ["Offer the door", "Offer your oxygen", "Show the key to Moss", "Give the ring to Vera",
             "Give the boy a coin", "Offer to help", "Offer your help to Ines", "Hand her the lamp", "Offer your help",
             "Offer a trade", "Offer the man money", "Give the children bread", "Give the key back",
             "Hand the lantern over", "Give the constable everything"]
    kept, problems = usable_plans(plans, "", 20)
    assert kept == plans[2:]
    assert problems == ["plan names nothing to give, show or tell"] * 2


def test_a_plan_that_copies_a_recall_heading_is_dropped():
    """Shown its recalls as "- Turn 6: …", the 1.5B model offered "Turn 6: The Low Tide Club asks you
    if they can see the ledger under the door." as a plan (a lowtide play's last turn)."""
    copied = "Turn 6: The Low Tide Club asks you if they can see the ledger under the door."
    kept, problems = usable_plans([copied, "World lore: the tide comes back fast", "Go down to the quay"], "", 3)
    assert kept == ["Go down to the quay"]
    assert problems == ["plan copies a prompt label"] * 2
    # a plan with a recall's label before it is the plan: the model labelled all five of a lanternfall turn's
    # ("Turn 9: Go to the river"), twice, and the game filled three
    kept, problems = usable_plans(["Turn 9: Go to the river", "Turn 8: Look for Idris at the Ferrywood", copied],
                                  "", 3)
    assert kept == ["Go to the river", "Look for Idris at the Ferrywood"]
    assert problems == ["plan copies a prompt label"]
    # ...and checked as the plan it is: one played before, labelled, is still a plan played before
    kept, problems = usable_plans(["Turn 9: Go to the river", "Wade across at the ford"], "", 3,
                                  played=["Go to the river"])
    assert kept == ["Wade across at the ford"] and problems == ["plan was played before"]


def test_a_plan_keeps_no_trailing_comma():
    """Shown verbs as "such as Follow, Ask or Search", the 1.5B model ended plans with a comma ("Offer to help,")."""
    kept, _ = usable_plans(["Offer to help,", "Warn the police about the case;", "Go down to the quay"], "", 3)
    assert kept == ["Offer to help", "Warn the police about the case", "Go down to the quay"]


def test_each_model_has_its_own_decoding():
    """The copy penalty's groups and the verb-first grammar are SmolLM2's; Qwen needs neither the
    grammar nor a penalty that glues words, and stops a paragraph before a menu."""
    from rgpt_fiction.llm.decoding import QWEN_DECODING, SMOL_DECODING
    from rgpt_fiction.llm.embedded import decoding_for

    assert decoding_for("embedded/smollm2") is SMOL_DECODING and SMOL_DECODING.verb_first_plans
    assert decoding_for("embedded/qwen-1.5b") is QWEN_DECODING and not QWEN_DECODING.verb_first_plans
    assert SMOL_DECODING.copy_penalty and not QWEN_DECODING.copy_penalty
    assert decoding_for("embedded//models/SmolLM2-360M.Q8.gguf") is SMOL_DECODING
    assert "\n1." in QWEN_DECODING.prose_stop


async def test_the_plan_just_played_is_not_offered_again_in_other_words(open_game):
    import json

    from engine_helpers import drain
    from rgpt_fiction.llm.scripted import ScriptedModel

    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    again = ["Hide behind the mirror and watch what happens", "Go to the chapel", "Ask Mrs. Ashdown about the room",
             "Run down to the causeway", "Light a second candle"]
    model.push("You hide behind a mirror and watch. The black door creaks open on an empty room, and the humming stops.",
               json.dumps({"plans": again, "happened": "You hid behind a mirror.", "facts": []}))
    _, done = await drain(story.play("Hide behind a mirror and watch what happens"))
    assert done.node.plans == again[1:4]


async def test_a_plan_played_a_few_turns_ago_is_not_offered_again(open_game):
    """The 1.5B model offered 'Go to the Castellane house' two and three turns after the reader went
    there; the plans played on the path's last turns are held back like the plan just played."""
    import json

    from engine_helpers import drain
    from rgpt_fiction.llm.scripted import ScriptedModel

    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    first = ["Ask the ferryman about the fog", "Climb the bell tower", "Wait in the chapel"]
    model.push("You go to the chapel on the flats. Candles gutter in the draught, and the pews are wet with sea spray.",
               json.dumps({"plans": first, "happened": "You went to the chapel.", "facts": []}))
    await drain(story.play("Go to the chapel on the flats"))
    model.push("You climb the bell tower. From the top the causeway is a grey thread across the mud, and a boat is "
               "moving without oars.",
               json.dumps({"plans": ["Go back to the chapel on the flats", "Signal the boat with your lantern",
                                     "Ring the bell", "Ask the ferryman about the fog", "Count the boats"],
                           "happened": "You climbed the bell tower.", "facts": []}))
    _, done = await drain(story.play("Climb the bell tower"))
    # "Ask the ferryman about the fog" was offered last turn and passed over: a new plan goes first
    assert done.node.plans == ["Signal the boat with your lantern", "Ring the bell", "Count the boats"]
    assert "plan repeats a plan already played" not in " ".join(done.stats.repairs)  # the spares covered for it


async def test_a_plan_played_long_ago_is_not_offered_again_word_for_word(open_game):
    """At turn 10 of a lowtide play the model offered turn 2's "Warn the person who stopped Moss
    Dellacroix" again, word for word, and it was played again: the similarity check looks only at the
    last few plays, so a plan played anywhere on the path is held back when it comes back as it was."""
    import json

    from engine_helpers import drain
    from rgpt_fiction.llm.scripted import ScriptedModel

    model = ScriptedModel(improvise=False)
    story, _ = open_game(model, played_window=1)
    await drain(story.start())
    model.push("You go to the chapel on the flats. Candles gutter in the draught, and the pews are wet with sea spray.",
               json.dumps({"plans": ["Ask the ferryman about the fog", "Climb the bell tower", "Wait in the chapel"],
                           "happened": "You went to the chapel.", "facts": []}))
    await drain(story.play("Go to the chapel on the flats"))
    model.push("You climb the bell tower. From the top the causeway is a grey thread across the mud, and a boat is "
               "moving without oars.",
               json.dumps({"plans": ["Signal the boat with your lantern", "Ring the bell", "Count the boats"],
                           "happened": "You climbed the bell tower.", "facts": []}))
    await drain(story.play("Climb the bell tower"))
    model.push("You ring the bell. Its note rolls out over the mud, and on the causeway a lantern answers.",
               json.dumps({"plans": ["Go to the chapel on the flats", "Wave your lantern back", "Climb down the ladder",
                                     "Shout to the boat", "Wait for the lantern"],
                           "happened": "You rang the bell.", "facts": []}))
    _, done = await drain(story.play("Ring the bell"))
    assert done.node.plans == ["Wave your lantern back", "Climb down the ladder", "Shout to the boat"]


async def test_a_plan_passed_over_last_turn_gives_way_to_a_new_one(open_game):
    """The 1.5B model offered "Hide the key from the man" (from Vera, from Moss) in 7 of 10 turns:
    a plan doing again what a plan of the last turns did (same verb, same things) goes after the new
    ones, so a spare takes its place; with no spare left it is still offered, not filled by the game."""
    import json

    from engine_helpers import drain
    from rgpt_fiction.llm.scripted import ScriptedModel

    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    model.push("You go to the chapel on the flats. Candles gutter in the draught, and the pews are wet with sea spray.",
               json.dumps({"plans": ["Hide the key from the ferryman", "Climb the bell tower", "Wait in the chapel"],
                           "happened": "You went to the chapel.", "facts": []}))
    await drain(story.play("Go to the chapel on the flats"))
    model.push("You climb the bell tower. From the top the causeway is a grey thread across the mud.",
               json.dumps({"plans": ["Hide the key from the old ferryman", "Signal the boat with your lantern",
                                     "Ring the bell", "Search the bell tower for a hatch", "Count the boats"],
                           "happened": "You climbed the bell tower.", "facts": []}))
    _, done = await drain(story.play("Climb the bell tower"))
    # "Search the bell tower" follows up the plan taken (another verb): it is new
    assert done.node.plans == ["Signal the boat with your lantern", "Ring the bell", "Search the bell tower for a hatch"]
    model.push("You ring the bell. Gulls burst from the tower, and far below a lantern answers from the causeway.",
               json.dumps({"plans": ["Hide the key from the ferryman at once", "Signal the boat with your lantern twice",
                                     "Run down to the causeway", "Go down the stairs", "Wave to the lantern"],
                           "happened": "You rang the bell.", "facts": []}))
    _, done = await drain(story.play("Ring the bell"))
    assert "Hide the key from the ferryman at once" not in done.node.plans  # offered two turns ago, still fresh in mind
    assert "filled" not in " ".join(done.stats.repairs)


def test_the_plan_instruction_shows_other_example_verbs_each_turn():
    from rgpt_fiction.engine.prompts import PLAN_VERBS, plan_verbs, update_instruction

    shown = [plan_verbs(turn) for turn in range(len(PLAN_VERBS))]
    assert len(set(shown)) == len(PLAN_VERBS)  # every turn of a cycle its own three
    verbs = [set(x.replace(" or ", ", ").split(", ")) for x in shown]
    assert all(len(v) == 3 for v in verbs)
    assert all(not a & b for a, b in zip(verbs, verbs[1:]))  # none twice running
    assert plan_verbs(1) in update_instruction(3, 60, turn=1) and plan_verbs(0) not in update_instruction(3, 60, turn=1)
    # shown as "Follow…", the verbs came back as "Search…the Alhambra Ballroom": no dots after them
    assert "…" not in update_instruction(3, 60, turn=1)
    # shown "Offer", "Show" or "Give", the model wrote plans with nothing fit to offer, show or give ("Show the
    # drinks in the alley"): no turn's instruction shows them
    assert not set().union(*verbs) & {"Offer", "Show", "Give"}
    # the update's last try shows verbs that are neither this turn's nor the next turn's
    from rgpt_fiction.engine.update import OTHER_VERBS

    assert all(not verbs[(t + OTHER_VERBS) % len(verbs)] & (verbs[t] | verbs[(t + 1) % len(verbs)])
               for t in range(len(verbs)))


def test_a_plan_the_game_fills_names_a_thing_of_the_world_or_a_whole_noun():
    """With too few usable plans after a second answer, the game fills them from templates: a lowtide play's
    turn 20 offered "Press on boldly toward the councilman kept." (a fresh reader quoted it as garbled)."""
    from rgpt_fiction.engine.repair import fallback_plans
    from rgpt_fiction.world.load import load_world
    from rgpt_fiction.world.model import World

    lowtide = load_world("worlds/lowtide.toml")
    plans = fallback_plans("You watch the councilman kept by the door.", lowtide, [], 2)
    assert plans == ["Press on boldly toward the door.", "Hold back and study the door carefully before acting."]
    # a lore key the paragraph names is the thing (the longest, without its own "the")
    assert fallback_plans("You read the book by the door.", lowtide, [], 1) == ["Press on boldly toward the book."]
    assert fallback_plans("Moss shows you Castellane's ledger.", lowtide, [], 1) == ["Press on boldly toward the ledger."]
    bare = World.model_validate({**lowtide.snapshot(), "lore": []})
    assert fallback_plans("You wait by the brass key under the councilman kept", bare, [], 1) == [
        "Press on boldly toward what lies ahead."]


async def test_a_plan_that_only_watches_listens_or_waits_gives_way_to_one_that_does_something(open_game):
    """"Listen to Okafor's report", "Wait for Mrs. Ashdown to answer": 75 of the 1,326 plans shown in the stored plays,
    and taken, the paragraph told the plan back and little happened (two readers counted such turns as echoes). Such
    a plan goes after the others, so a spare plan that does something takes its place; with no spare it is still
    offered, not filled by the game."""
    import json

    from engine_helpers import drain
    from rgpt_fiction.engine.update import deeds_first
    from rgpt_fiction.llm.scripted import ScriptedModel

    assert deeds_first(["Listen to the band", "Ask Moss about the key", "Wait for Okafor to finish",
                        "I watch the door", "Run for the stairs"]) == [
        "Ask Moss about the key", "Run for the stairs", "Listen to the band", "Wait for Okafor to finish",
        "I watch the door"]
    assert deeds_first(["Listener's booth: go in", "Waiter, bring the bill"]) == ["Listener's booth: go in",
                                                                                  "Waiter, bring the bill"]
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model)
    await drain(story.start())
    model.push("You go to the chapel on the flats. Candles gutter in the draught, and the pews are wet with sea spray.",
               json.dumps({"plans": ["Listen to the wind in the bell tower", "Climb the bell tower",
                                     "Wait for the ferryman to come back", "Light a candle at the altar",
                                     "Search the vestry for the register"],
                           "happened": "You went to the chapel.", "facts": []}))
    _, done = await drain(story.play("Go to the chapel on the flats"))
    assert done.node.plans == ["Climb the bell tower", "Light a candle at the altar", "Search the vestry for the register"]
    model.push("You climb the bell tower. From the top the causeway is a grey thread across the mud.",
               json.dumps({"plans": ["Watch the causeway", "Ring the bell", "Listen for the ferryman's oars"],
                           "happened": "You climbed the bell tower.", "facts": []}))
    _, done = await drain(story.play("Climb the bell tower"))
    assert done.node.plans == ["Ring the bell", "Watch the causeway", "Listen for the ferryman's oars"]
    assert "filled" not in " ".join(done.stats.repairs)
