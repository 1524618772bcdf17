"""What the story is about finding (`[content] hidden`) stays out of the model's paragraphs until the world's own
events bring it to light (`reveals`): a plan naming it is told so, and a sentence that finds it is cut."""

import json

import pytest

from engine_helpers import drain
from rgpt_fiction.engine.hidden import cut_found, finds, hidden_now, still_hidden
from rgpt_fiction.engine.parsing import FOUND_TOO_SOON
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.world.model import Event, World

LEDGER, SPOON = ["ledger"], ["Silver Spoon", "Spoon"]


@pytest.mark.parametrize("sentence, hidden", [
    # from the plays: lowtide at a923ba8 (turn 4, where its fresh reader quit), wending at 1a093fb (turn 27),
    # lowtide at 5fea544
    ("You open the door and find the ledger inside.", LEDGER),
    ("You open it and find a small wooden box with an old silver spoon inside.", SPOON),
    ("You explain that you have a ledger that names who owns the city, and it was hidden in Lowtown.", LEDGER),
    ("Moss hands you the ledger, still wet.", LEDGER),
    ("The ledger is in your hands at last.", LEDGER),
    ("Moss has the ledger, and he knows it.", LEDGER),
    ("Under the floorboards you discover the Silver Spoon, wrapped in a tea towel.", SPOON),
    ("The vicar hands you the Spoon, still sticky.", SPOON),
    ("Ledger in hand, you step back into the rain.", LEDGER),
    ("You manage to find the ledger behind the boiler.", LEDGER),
    ("You take the ledger from the drawer.", LEDGER),
    ("You open the ledger and read the names.", LEDGER),
])
def test_a_sentence_that_finds_or_holds_the_hidden_thing(sentence, hidden):
    assert finds(sentence, hidden)


@pytest.mark.parametrize("sentence, hidden", [
    ("Lowtown has an hour left before the water comes back, and the ledger is still down there.", LEDGER),
    ('"But I was hoping you could help me find the Silver Spoon."', SPOON),
    ("He tells you that he was there before you, but he couldn't find the ledger because the police closed it.", LEDGER),
    ("You walk over to him and ask if he knows where the ledger is.", LEDGER),
    ("Moss Dellacroix, who has been looking all night to find the ledger, finally comes out.", LEDGER),
    ("You see Moss, who wants the ledger.", LEDGER),
    ("Have you found the ledger?", LEDGER),
    ("Bartleby drops a silver teaspoon at your feet, with H.B. scratched on the handle.", SPOON),
    ("Mrs. Bramble takes back her tasting spoon and hands you the jar.", SPOON),  # "Spoon", capitalised, is the trophy
    ("You hand Mrs. Bramble the spoon with H.B. scratched on it.", SPOON),
    ("Vera tells you that she has been working on the ledger for over a year.", LEDGER),
    ("You find nothing in the desk but dust, and no ledger.", LEDGER),
    ("You find the Silver Spoon's presentation case in the marrow bed, caked in clay and empty.", SPOON),
    ("You open the door and find the ledger inside.", []),  # nothing hidden in this world
    # a review's cases: what is looked for or talked of, a clue, speech
    ("You pull the drawer open and look for the ledger.", LEDGER),
    ("You hold your breath as you search for the ledger.", LEDGER),
    ("You check your pocket for the ledger.", LEDGER),
    ("You run your hands along the shelf looking for the ledger.", LEDGER),
    ("You give up on the ledger for tonight.", LEDGER),
    ("Moss hands you a note about the ledger.", LEDGER),
    ("Moss says he saw the ledger in Castellane's office.", LEDGER),
    ("The letter reveals the ledger was moved.", LEDGER),
    ("Maybe the ledger is inside the lighthouse.", LEDGER),
    ('"Give me the ledger," Moss says.', LEDGER),
])
def test_a_sentence_that_looks_for_asks_about_or_denies_it_finds_nothing(sentence, hidden):
    assert not finds(sentence, hidden)


def test_it_is_the_hidden_thing_when_the_plan_looks_for_it():
    """"You search for the ledger. … After several minutes of searching, you find it in a drawer under the table."
    (the lowtide prompt resampled, docs/health-runs/2026-11-28/hidden/)."""
    found = "After several minutes of searching, you find it in a drawer under the table."
    assert not finds(found, LEDGER) and finds(found, LEDGER, sought=True)
    assert not finds("You ask Moss where it could be.", LEDGER, sought=True)
    for other in ("You approach the building cautiously and find it closed.",  # the resampled turns' "it"s
                  "You find it locked on a door in Lowtown, as the world lore says.",
                  "The club is still playing jazz, but you see signs of it hidden behind some bushes."):
        assert not finds(other, LEDGER, sought=True)
    paragraph = "You search for the ledger. " + found + (" Water has been in this room: the wallpaper hangs in sheets, "
                                                        "and silt runs along the wall at the height of your chest.")
    assert cut_found(paragraph, LEDGER, plan="I search for the ledger")[1]
    assert not cut_found(paragraph, LEDGER, plan="I search for the key")[1]


def test_the_sentence_that_finds_it_is_cut_the_first_too_unless_too_little_is_left():
    found = "You open the door and find the ledger inside."
    rest = (" Water has been in this room: the wallpaper hangs in sheets, and a line of silt runs along the wall at "
            "the height of your chest. Somewhere below, the tide is already talking.")
    assert cut_found(found + rest, LEDGER) == (rest.strip(), True)
    assert cut_found(found + " The room is dark.", LEDGER) == (found + " The room is dark.", False)
    assert cut_found(rest.strip(), LEDGER) == (rest.strip(), False)


def _events(*reveals):
    return [Event(text=f"A bell rings {n}.", reveals=r) for n, r in enumerate(reveals)]


def test_a_thing_stays_hidden_until_the_event_that_reveals_it_or_the_last_event_is_told():
    events = _events("", "Silver Spoon", "")
    assert hidden_now(SPOON + LEDGER, events, []) == SPOON + LEDGER
    assert hidden_now(SPOON + LEDGER, events, [0, None]) == SPOON + LEDGER
    assert hidden_now(SPOON + LEDGER, events, [0, 1]) == LEDGER  # "Silver Spoon" lifts "Spoon" too
    assert hidden_now(SPOON + LEDGER, events, [0, 1, 2]) == []  # the author's story is told: nothing is hidden
    assert hidden_now([], events, []) == []
    assert hidden_now(["turnkey", "key"], _events("key", ""), [0]) == ["turnkey"]  # whole words
    assert hidden_now(LEDGER, _events("", ""), [0, 5]) == LEDGER  # an index no event has


@pytest.mark.parametrize("plan, told", [("Search the cabinet for the Silver Spoon", ["Silver Spoon"]),
                                        ("Ask the vicar where the Spoon went", ["Silver Spoon"]),
                                        ("Ask the vicar about the teaspoon", []),
                                        ("Ask Mrs. Bramble about her tasting spoon", [])])
def test_a_plan_that_names_the_hidden_thing_is_told_it_stays_hidden(plan, told):
    from rgpt_fiction.engine.prompts import paragraph_messages

    user = paragraph_messages("brief", "memory", [], [], "You wait.", plan, 70, hidden=SPOON)[1]["content"]
    assert user.count("is still hidden") == len(told)
    if told:
        assert still_hidden(told) in user and "never the Silver Spoon itself" in user
    assert still_hidden(["Castellane's ledger"]).startswith(" Castellane's ledger is still hidden")


def test_an_event_can_only_reveal_what_is_hidden_and_the_error_says_which_event(world):
    data = world.snapshot()
    data["events"] = [{"text": "A bell rings."}, {"text": "The vicar lifts his hat.", "reveals": "Silver Spon"}]
    data["content"] = {"hidden": SPOON}
    with pytest.raises(ValueError, match=r"event 2 reveals 'Silver Spon', which is not in \[content\] hidden "
                                         r"\(Silver Spoon, Spoon\)"):
        World.model_validate(data)
    data["events"][1]["reveals"] = "silver spoon"
    assert World.model_validate(data).events[1].reveals == "silver spoon"


def upd(plans):
    return json.dumps({"plans": plans, "happened": "You searched.", "facts": []})


FOUND = "You pry up the loose board and find the ledger inside, wrapped in oilcloth."
# what else each turn tells, each its own (the same paragraph twice is a loop the turn writes again)
ROOMS = [" The room smells of brine and old cigars, and below the floor the water knocks, patient as a bailiff. "
         "Out on the quay a car idles with its lights off.",
         " A cat watches from the stove. Two streets over a radio plays dance music to nobody at all tonight, and the "
         "needle sticks on the same bar.",
         " The fog has come up over the harbour wall, and the lamps along the quay are only yellow smudges now. A "
         "boat bumps the steps below, empty.",
         " Someone has been here before you: the drawers hang open and a chair lies on its back by the window. The "
         "ashtray is still warm.",
         " Rain drums on the tin roof. Far off, the harbour watch bell counts the tide in slow, tired strokes, and a "
         "door bangs somewhere in the wind.",
         " The boards give under your weight. Under them the old street runs black with silt toward the sea, and "
         "something small swims away from your light.",
         " A gull screams on the roof, and the wind finds the broken pane and sets the papers on the desk moving. "
         "One of them is a tide table."]


async def test_in_a_turn_it_is_written_again_then_cut_until_the_event_that_reveals_it_is_told(open_game, world):
    hidden = World.model_validate({**world.snapshot(), "content": {"hidden": LEDGER}, "events": [
        {"text": "A bell rings down on the quay."},
        {"text": "The harbour master waves a wet ledger at you from his door.", "reveals": "ledger"},
        {"text": "The fog comes in."}]})
    model = ScriptedModel()  # improvises the update's second answer when the plans given were too like those played
    story, _ = open_game(model, the_world=hidden)
    await drain(story.start())
    places = ["the office", "the cellar", "the boathouse", "the chapel", "the tower", "the cannery", "the attic"]
    plans = [[f"Search {p} for the ledger", f"Walk from {p} down to the quay", f"Knock at {p}'s door"] for p in places]
    # turn 1: a plan that does not name it; the paragraph finds it, and is written again, told it stays hidden
    model.push(FOUND + ROOMS[0], ROOMS[0].strip() + " You find no ledger here.", upd(plans[1]))
    _, done = await drain(story.play(plans[0][1]))
    assert done.node.paragraph == ROOMS[0].strip() + " You find no ledger here." and FOUND_TOO_SOON in done.stats.repairs
    first, again = (c["messages"][1]["content"] for c in model.calls[-3:-1])
    assert "still hidden" not in first and still_hidden(LEDGER) in again
    told = [done]
    for n in range(1, 5):  # written again, it finds it again: then it is cut; events end turns 2 and 5
        model.push(FOUND + ROOMS[n], FOUND + " You find it wrapped in oilcloth." + ROOMS[n], upd(plans[n + 1]))
        _, done = await drain(story.play(plans[n][0]))
        told.append(done)
        assert still_hidden(LEDGER) in model.calls[-3]["messages"][1]["content"]  # the plan names it
    assert [d.node.event for d in told] == [None, 0, None, None, 1]
    for n, done in enumerate(told[1:], 1):
        assert done.node.paragraph.startswith(ROOMS[n].strip())  # "it", in a plan that looks for it, is the ledger
        assert done.stats.repairs.count(FOUND_TOO_SOON) == 2
    model.push(FOUND + ROOMS[5], upd(plans[6]))
    _, after = await drain(story.play(plans[5][0]))
    assert after.node.paragraph == FOUND + ROOMS[5] and FOUND_TOO_SOON not in after.stats.repairs
    assert "still hidden" not in model.calls[-2]["messages"][1]["content"]


async def test_a_rewrite_for_a_find_is_not_one_of_the_turns_tries(open_game, world):
    """Written again for a find, the paragraph is still checked for repeating the story (the loop guard runs on
    the first try that counts); and a rewrite that comes to nothing leaves the first paragraph, cut, as the turn,
    never a failed turn (found by a review: the rewrite had taken one of the three tries)."""
    hidden = World.model_validate({**world.snapshot(), "content": {"hidden": LEDGER}})
    model = ScriptedModel()  # improvises an update asked again
    story, _ = open_game(model, the_world=hidden)
    await drain(story.start())
    first = ROOMS[0].strip() + " " + ROOMS[1].strip()
    model.push(first, upd(["Search the office for the ledger", "Walk down to the quay", "Knock at the door"]))
    await drain(story.play("Walk down to the quay"))
    # the rewrite copies the last paragraph whole: written again as a loop, then a new one is kept
    model.push(FOUND + ROOMS[2], first, ROOMS[3].strip() + ROOMS[4],
               upd(["Search the cannery for the ledger", "Climb to the tower", "Row out to the buoy"]))
    _, done = await drain(story.play("Search the office for the ledger"))
    assert done.node.paragraph == ROOMS[3].strip() + ROOMS[4]
    assert done.stats.loop_regenerations == 1 and FOUND_TOO_SOON in done.stats.repairs
    # the rewrite comes to nothing three times: the first paragraph, cut, is kept
    model.push(FOUND + ROOMS[5], "", "", "", upd(["Search the attic for the ledger", "Walk home", "Count the boats"]))
    _, done = await drain(story.play("Search the cannery for the ledger"))
    assert done.node.paragraph == ROOMS[5].strip()
