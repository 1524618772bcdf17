"""The world's own events: told in order, one every few turns, each at the end of a paragraph, where
the model's plans can answer it; a branch tells them on its own, and a retry tells the same one."""

import json

import pytest

from engine_helpers import drain
from rgpt_fiction.llm.scripted import ScriptedModel
from rgpt_fiction.world.model import World

EVENTS = ["A boy in a soaked cap pushes a folded note into your hand and runs off into the fog.",
          "Somewhere below the quay a bell begins to ring: the tide has turned."]
CHOICES = [["Unfold the note under the nearest lamp", "Run after the boy before the fog takes him"], []]
SCENES = [
    ("You walk down to the quay. The boats knock against the steps, and the lamplighter watches you from his ladder.",
     ["Read the folded note by the lamp", "Chase the boy into the fog", "Ask the lamplighter about the boy"]),
    ("You climb to the lamp room. Salt has crusted the glass, and far out a light answers the lighthouse.",
     ["Signal back with the lamp", "Climb down to the rocks", "Count the seconds between the flashes"]),
    ("You row out past the breakwater. The fog closes behind you and the oars find no bottom.",
     ["Turn the boat for the shore", "Call out into the fog", "Ship the oars and listen"]),
    ("You listen to the water. A voice answers, close, in a language you half remember.",
     ["Answer the voice", "Light the lantern", "Row toward the voice"]),
]


def upd(plans, happened="You did what you planned, and the harbour answered."):
    return json.dumps({"plans": plans, "happened": happened, "facts": []})


@pytest.fixture
def eventful(world):
    return World.model_validate({**world.snapshot(), "events": [
        {"text": text, "choices": choices} for text, choices in zip(EVENTS, CHOICES)]})


async def play_scenes(story, model, scenes, plan):
    told = []
    for paragraph, plans in scenes:
        model.push(paragraph, upd(plans))
        text, done = await drain(story.play(plan))
        told.append((text, done.node))
        plan = plans[0]
    return told


async def test_the_worlds_events_end_a_paragraph_in_order_every_third_turn(open_game, eventful):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model, the_world=eventful)
    await drain(story.start())
    told = await play_scenes(story, model, SCENES, story.plans[0])
    # turns 1..4: the first event at turn 2, the next three turns later
    assert [node.event for _, node in told] == [None, 0, None, None]
    text, node = told[1]
    assert node.paragraph == SCENES[1][0] + "\n\n" + EVENTS[0]
    assert text.endswith("\n\n" + EVENTS[0])  # the reader sees it as it is told
    assert told[0][1].paragraph == SCENES[0][0]
    # inspecting the turn says where its last lines came from
    from rgpt_fiction.engine.trace_view import render_text

    assert "ends with the world's event 1, told by the game" in render_text(story.inspect(node.id))
    assert "world's event" not in render_text(story.inspect(told[0][1].id))
    # the update is asked after the event, so the plans can answer it
    update_call = model.calls[-5]["messages"]
    assert update_call[-2] == {"role": "assistant", "content": SCENES[1][0] + "\n\n" + EVENTS[0]}
    model.push("You answer the voice. It laughs, and the fog thins enough to show a mast.", upd(
        ["Row to the mast", "Hail the ship", "Drift and wait"]))
    _, done = await drain(story.play("Answer the voice"))
    assert done.node.event == 1 and done.node.paragraph.endswith(EVENTS[1])
    for paragraph, plans in [
            ("You row to the mast. It is a wreck, its deck awash, its bell silent.",
             ["Board the wreck", "Ring the silent bell", "Row back to shore"]),
            ("You board the wreck. The hatch is nailed shut from the inside, and gulls have nested on the wheel.",
             ["Pry the hatch open", "Ring the silent bell", "Climb the rigging"]),
            ("You ring the silent bell. It makes no sound, but every gull on the wreck lifts into the air at once.",
             ["Follow the gulls", "Search the hold", "Shout for help"])]:
        model.push(paragraph, upd(plans))
    for plan in ["Row to the mast", "Board the wreck", "Ring the silent bell"]:
        _, done = await drain(story.play(plan))
        assert done.node.event is None  # every event is told


async def test_a_retry_tells_the_same_event_and_a_branch_tells_it_on_its_own(open_game, eventful):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model, the_world=eventful)
    await drain(story.start())
    first = story.plans[0]
    await play_scenes(story, model, SCENES[:2], first)
    model.push("You climb to the lamp room again. The wick is dry, and a gull sits on the rail outside.",
               upd(["Light the wick", "Shoo the gull", "Look out to sea"]))
    _, again = await drain(story.retry())
    assert again.node.event == 0 and again.node.paragraph.endswith(EVENTS[0])
    story.undo()
    story.undo()
    # another plan at turn 1, then turn 2 of that branch: the branch's first event is told there too
    model.push(SCENES[2][0], upd(SCENES[2][1]))
    model.push(SCENES[3][0], upd(SCENES[3][1]))
    _, one = await drain(story.play("Row out past the breakwater"))
    _, two = await drain(story.play(SCENES[2][1][1]))
    assert (one.node.event, two.node.event) == (None, 0)


async def test_no_event_when_the_world_has_none_or_they_are_turned_off(open_game, eventful):
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model, the_world=eventful, event_every=0)
    await drain(story.start())
    told = await play_scenes(story, model, SCENES[:3], story.plans[0])
    assert [node.event for _, node in told] == [None, None, None]
    assert [node.paragraph for _, node in told] == [s[0] for s in SCENES[:3]]


async def test_the_events_own_choices_and_then_plans_that_answer_it_are_offered_first(open_game, eventful):
    """Asked for plans after Lieutenant Okafor's event, the 1.5B model offered three about Moss, and a
    reader called the event "dropped completely": after an event its author's choices are offered first
    (all but one of the plans shown), and of the model's plans, up to two that name the event's rarer
    words go before the rest."""
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model, the_world=eventful)
    await drain(story.start())
    await play_scenes(story, model, SCENES[:1], story.plans[0])
    five = ["Signal back with the lamp", "Climb down to the rocks", "Offer your hand to the lamplighter",
            "Chase him down before the fog hides him", "Read the folded note by the lamp"]
    model.push(SCENES[1][0], upd(five))
    _, done = await drain(story.play(SCENES[0][1][2]))
    assert done.node.event == 0
    assert done.node.plans == [*CHOICES[0], "Chase him down before the fog hides him"]
    # the second event has no choices of its own: the model's plans that answer it go first
    plans = [["Light the lamp", "Ring the bell", "Wait for dawn"], ["Go home", "Eat some bread", "Go to sleep by the fire"]]
    for paragraph, offered in zip(["You unfold the note. It holds one word, in a child's hand: Tuesday.",
                                   "You light the lamp. The quay turns gold, and the boats are empty."], plans):
        model.push(paragraph, upd(offered))
    await drain(story.play(CHOICES[0][0]))
    await drain(story.play("Light the lamp"))
    model.push("You go home. The kettle is cold and the window is open.",
               upd(["Close the window", "Count the boats in the harbour", "Listen for the bell below the quay",
                    "Light the stove", "Follow the tide down to the water"]))
    _, done = await drain(story.play("Go home"))
    assert done.node.event == 1
    # (the one that only listens after the one that does something: `update.deeds_first`)
    assert done.node.plans == ["Follow the tide down to the water", "Listen for the bell below the quay",
                               "Close the window"]


HESKETH = "Old Hesketh limps up the quay steps, out of breath, and says the tide has turned early."


async def test_an_event_whose_person_is_already_in_the_scene_waits_two_turns_at_most(open_game, world):
    """"Augustus Vail's buggy pulls up beside you", told after a paragraph of Vail talking at your side, brought
    him in twice: an event waits while the paragraph it would end names the person it brings in, two turns
    at most, and its own choices wait with it."""
    held = World.model_validate({**world.snapshot(), "events": [
        {"text": HESKETH, "arrives": "Old Hesketh", "choices": ["Ask Hesketh how early", "Run for the boats"]}]})
    model = ScriptedModel(improvise=False)
    story, _ = open_game(model, the_world=held)
    await drain(story.start())
    scenes = [
        ("You walk down to the quay. The boats knock against the steps.",
         ["Count the boats in the harbour", "Wait by the quay steps", "Walk home along the sea wall"]),
        ("You count the boats. Hesketh watches you from his ladder, saying nothing.",
         ["Greet the old man on the ladder", "Look out to sea past the breakwater", "Mend the torn net by the steps"]),
        ("You look out to sea. A light answers the lighthouse, far out.",
         ["Signal back with your lantern", "Climb down to the rocks", "Walk home along the sea wall"]),
    ]
    told = await play_scenes(story, model, scenes, story.plans[0])
    first, second, third = (node for _, node in told)
    assert (first.event, second.event, third.event) == (None, None, 0)
    assert second.paragraph == scenes[1][0] and second.plans == scenes[1][1]  # held: nor its choices offered
    record = story.inspect(second.id).record
    assert record is not None and "world event held: its person is already in the scene (event 1, 0 turn(s) late)" \
        in record["repairs"]
    assert third.paragraph.endswith(HESKETH) and third.plans[:2] == ["Ask Hesketh how early", "Run for the boats"]
    # on another branch the old man stays in the scene: the event is told two turns late all the same
    story.goto(first.id)
    for paragraph in ["You greet the old man. Hesketh nods.", "You wait with Hesketh.", "Hesketh lights his pipe."]:
        model.push(paragraph, upd(["Wait a while longer by the steps", "Walk to the end of the pier", "Go home to bed early"]))
    events = []
    for plan in ["Greet the old man on the ladder", "Wait with him", "Watch him"]:
        _, done = await drain(story.play(plan))
        events.append(done.node.event)
    assert events == [None, None, 0]


def test_an_event_waits_while_the_narration_names_the_person_it_brings_in():
    from rgpt_fiction.engine.world_events import waits

    okafor = "Lieutenant Sam Okafor"
    assert waits(okafor, "Okafor is at the bar.", late=0)
    assert waits(okafor, "You find Sam at the bar.", late=1)
    assert not waits(okafor, "Moss is at the bar.", late=0)  # only the one it brings in
    assert not waits(okafor, "Okafor is at the bar.", late=2)  # two turns late: told all the same
    assert not waits(okafor, "The Lieutenant's car is gone.", late=0)  # a title is no one's name
    assert not waits("", "Okafor is at the bar.", late=0)  # an event that brings no one in never waits
    # named in speech, the person is asked after, not in the scene
    assert not waits(okafor, '"Have you seen Okafor?" you ask the barman.', late=0)
    assert waits(okafor, '"Evening," says Okafor.', late=0)
    assert waits("Дмитрий Орлов", "Орлов nods.", late=0)  # a name in any script


def test_the_person_an_event_brings_in_is_named_in_its_text(world):
    from pydantic import ValidationError

    event = {"text": "A hand takes your elbow: Lieutenant Okafor, hat dripping.", "arrives": "Lieutenant Sam Okafor"}
    assert World.model_validate({**world.snapshot(), "events": [event]}).events[0].arrives == "Lieutenant Sam Okafor"
    with pytest.raises(ValidationError, match="not named in the event's text"):
        World.model_validate({**world.snapshot(), "events": [{**event, "arrives": "Moss Dellacroix"}]})


def test_an_event_is_told_after_a_closed_sentence():
    from rgpt_fiction.engine.world_events import told_event

    assert told_event("You wait by the door", "A bell rings.") == "You wait by the door.\n\nA bell rings."
    assert told_event('He says, "Wait!" ', "A bell rings.") == 'He says, "Wait!"\n\nA bell rings.'


async def test_two_of_an_events_choices_at_most_and_the_model_fills_the_rest(open_game, world):
    model = ScriptedModel(improvise=False)
    three = ["Unfold the note under the nearest lamp", "Run after the boy before the fog takes him",
             "Tear up the note unread"]
    eventful = World.model_validate({**world.snapshot(), "events": [{"text": EVENTS[0], "choices": three}]})
    story, _ = open_game(model, the_world=eventful, n_plans=4)
    model.push(upd(["Walk down to the quay", "Knock at the lamplighter's door", "Read the tide table",
                    "Wait for the bell"]))  # four plans: the world gives three, so the model writes them
    await drain(story.start())
    first = ["Ask the ferryman about the fog", "Climb the bell tower", "Wait in the chapel", "Count the gulls"]
    model.push(SCENES[0][0], upd(first))
    await drain(story.play(story.plans[0]))
    model.push(SCENES[1][0], upd(["Signal back with the lamp", "Climb down to the rocks", "Sing to the gulls",
                                  "Light a fire on the shingle", "Wave to the lighthouse keeper", "Count the waves"]))
    _, done = await drain(story.play("Climb the bell tower"))
    assert done.node.event == 0
    assert done.node.plans == [*three[:2], "Signal back with the lamp", "Climb down to the rocks"]


OUTCOME = ("You unfold the note under the lamp. It is a tide table torn from an almanac, and one low tide, "
           "tonight's, is ringed in red.")


async def test_a_choice_of_the_event_is_told_by_its_authors_outcome(open_game, world):
    """Given an event's choice as the paragraph's first words, the 1.5B model echoed it and drifted ("You ask
    Okafor why he is telling you this now" was answered by Okafor asking it himself); writing on after the
    author's outcome, it spoiled it (8 of 8 such turns in three 30-turn plays). The outcome is the paragraph,
    on any model; the model writes the plans for it. Another plan, a choice with no outcome, and the turn
    written again (the reader asked for another version) are the model's."""
    from rgpt_fiction.engine.events import Delta

    eventful = World.model_validate({**world.snapshot(), "events": [
        {"text": EVENTS[0], "choices": CHOICES[0], "outcomes": [OUTCOME]}]})
    model = ScriptedModel(improvise=False, prefill=True)
    story, _ = open_game(model, the_world=eventful, paragraph_words=30)
    await drain(story.start())
    await play_scenes(story, model, SCENES[:2], story.plans[0])
    event_turn = story.node
    assert event_turn.event == 0 and event_turn.plans[:2] == CHOICES[0]
    calls = len(model.calls)
    model.push(upd(["Go down to the water at low tide", "Show the note to the lamplighter", "Burn the note in the lamp flame"]))
    events = [e async for e in story.play(CHOICES[0][0])]
    done = events[-1]
    assert done.node.paragraph == OUTCOME and done.stats.authored_opening
    assert [e.text for e in events if isinstance(e, Delta)] == [OUTCOME]
    # one call, for the plans: it reads the outcome as the paragraph written
    assert len(model.calls) == calls + 1 and model.calls[-1]["messages"][-2] == {"role": "assistant", "content": OUTCOME}
    assert done.node.plans == ["Go down to the water at low tide", "Show the note to the lamplighter",
                               "Burn the note in the lamp flame"]
    # written again, the turn is the model's, from the choice
    model.push(". Below the tide table, in pencil, someone has written your name. " + REST,
               upd(["Go down to the water at low tide", "Show the note to the lamplighter", "Burn the note in the lamp flame"]))
    _, again = await drain(story.retry())
    assert model.calls[-2]["messages"][-1] == {"role": "assistant", "content": "You unfold the note under the nearest lamp"}
    assert again.node.paragraph.startswith("Below the tide table")  # the choice told back alone is left out
    assert not again.stats.authored_opening and again.node.parent == event_turn.id
    # the reader's own rewrite of that paragraph is not the author's outcome
    story.goto(done.node.id)
    model.push(upd(["Climb the lighthouse stair in the dark", "Ask the fishwife about the tide", "Sleep on the quay"]))
    _, edited = await drain(story.edit(done.node.id, "You fold the note away unread and walk back along the quay."))
    assert edited.node.paragraph.startswith("You fold the note away") and not edited.stats.authored_opening
    # the other choice has no outcome: the plan is the paragraph's first words, as for any plan
    story.goto(event_turn.id)
    model.push(", and the fog takes him at the corner." + REST, upd(["Turn back toward the lighthouse", "Call after the boy into the fog", "Wait on the quay for the bell"]))
    _, done = await drain(story.play(CHOICES[0][1]))
    assert done.node.paragraph.startswith("You run after the boy before the fog takes him, and the fog")
    assert not done.stats.authored_opening
    # a model that cannot continue an answer tells the author's outcome too
    plain = ScriptedModel(improvise=False)
    story2, _ = open_game(plain, name="s2", the_world=eventful, paragraph_words=30)
    await drain(story2.start())
    await play_scenes(story2, plain, SCENES[:2], story2.plans[0])
    plain.push(upd(["Climb the stairs to the lamp room", "Ask the lamplighter about the boy", "Keep the note in your coat"]))
    _, done = await drain(story2.play(CHOICES[0][0]))
    assert done.node.paragraph == OUTCOME and done.stats.authored_opening


REST = ("The lamplighter does not look up from his ladder, and the fog rolls in over the quay, thick and "
        "grey, until the harbour lights are only smudges.")


def test_more_outcomes_than_choices_is_an_authors_error_that_names_the_field_and_line(tmp_path):
    from rgpt_fiction.world.load import WorldError, load_world

    path = tmp_path / "w.toml"
    path.write_text('schema = 1\ntitle = "T"\nsummary = "S"\npremise = "P"\n\n[[events]]\ntext = "A bell rings."\n'
                    'choices = ["Count the rings"]\noutcomes = ["You count nine.", "You count ten."]\n')
    with pytest.raises(WorldError) as err:
        load_world(path)
    assert str(err.value) == (f"{path}:9: events[0].outcomes: 2 outcomes for 1 choice: each outcome belongs to "
                              "the choice at the same place in `choices`")


FIRST = ("You take the lighthouse stair two steps at a time. Halfway up, the lamplighter's ladder lies across the "
         "steps, and his pole beside it, still warm.")


async def test_a_first_choice_is_told_by_its_authors_outcome(open_game, world):
    """Turn 1 is the reader's first impression, and the 1.5B model's own was often its most confused ("Cecily
    ... asleep on the floor in her own bed ... 'Good morning'" at night): the author can write what happens
    after each of the opening's choices, as after an event's."""
    from rgpt_fiction.engine.events import Delta

    firsts = World.model_validate({**world.snapshot(), "first_outcomes": [FIRST]})
    model = ScriptedModel(improvise=False, prefill=True)
    story, _ = open_game(model, the_world=firsts, paragraph_words=30)
    await drain(story.start())
    opening = story.node
    assert story.plans[0] == firsts.first_choices[0]
    model.push(upd(["Climb on to the lamp room", "Call up the stair for the lamplighter", "Pick up the warm pole"]))
    events = [e async for e in story.play(story.plans[0])]
    done = events[-1]
    assert done.node.paragraph == FIRST and done.stats.authored_opening
    assert "".join(e.text for e in events if isinstance(e, Delta)) == FIRST
    assert done.node.plans == ["Climb on to the lamp room", "Call up the stair for the lamplighter", "Pick up the warm pole"]
    # the second first choice has no outcome: played like any plan
    story.goto(opening.id)
    model.push(REST, upd(["Climb on to the lamp room", "Call up the stair for the lamplighter", "Pick up the warm pole"]))
    _, done = await drain(story.play(story.plans[1]))
    assert not done.stats.authored_opening and not done.node.paragraph.startswith(FIRST)
    # an opening the reader rewrote is not the scene the author's outcome was written for
    model.push(upd(["Climb the lighthouse stair", "Wait on the quay for the bell", "Ask the fishwife about Mara"]))
    _, edited = await drain(story.edit(opening.id, "You wake on the quay at dawn. The lighthouse is dark, and the "
                                                   "lamplighter's ladder lies in the water."))
    root = story.game.nodes[edited.node.parent]  # the later turns are kept under the new version of the opening
    assert root.parent is None and root.edited_from == opening.id
    story.goto(root.id)
    model.push(REST, upd(["Climb on to the lamp room", "Call up the stair for the lamplighter", "Pick up the warm pole"]))
    _, done = await drain(story.play(firsts.first_choices[0]))
    assert not done.stats.authored_opening and not done.node.paragraph.startswith(FIRST)


FOLLOW_UPS = ["Hold the tide table up to the lamp's flame", "Ask the lamplighter when the red tide falls"]


async def test_the_authors_follow_ups_are_offered_first_after_an_outcome(open_game, world):
    """After an author's outcome, the 1.5B model's plans did not take it up ("Ask the librarian for help"), and
    readers said the story dropped the author's beats: the follow-ups the author wrote for the outcome are
    offered first (two at most: the storyteller's own plan is the third), after an event's choice and after a
    first choice; not after the turn is written again, and not one already played (before, or just now)."""
    played_before = world.first_choices[1]  # the first turn below plays it
    authored = World.model_validate({**world.snapshot(), "first_outcomes": [FIRST],
                                     "first_follow_ups": [["Pick up the lamplighter's warm pole", "Call up the stair"]],
                                     "events": [{"text": EVENTS[0], "choices": CHOICES[0], "outcomes": [OUTCOME],
                                                 "follow_ups": [[played_before, CHOICES[0][0], *FOLLOW_UPS]]}]})
    model = ScriptedModel(improvise=False, prefill=True)
    story, _ = open_game(model, the_world=authored, paragraph_words=30)
    await drain(story.start())
    opening = story.node
    model.push(upd(["Climb on to the lamp room", "Wait on the quay for the bell", "Ask the fishwife about Mara"]))
    _, done = await drain(story.play(story.plans[0]))
    assert done.node.paragraph == FIRST
    assert done.node.plans == ["Pick up the lamplighter's warm pole", "Call up the stair", "Climb on to the lamp room"]
    # an event's choice: its outcome, then its follow-ups (two of three), then the model's first plan
    story.goto(opening.id)
    model.push(REST, upd(["Go back down to the quay", "Climb on to the lamp room", "Look for the lamplighter"]))
    assert story.plans[1] == played_before
    await drain(story.play(played_before))
    await play_scenes(story, model, SCENES[:1], story.plans[0])
    event_turn = story.node
    assert event_turn.event == 0
    model.push(upd(["Go down to the water at low tide", "Show the note to the lamplighter", "Sleep on the quay"]))
    _, done = await drain(story.play(CHOICES[0][0]))
    assert done.node.paragraph == OUTCOME
    assert done.node.plans == [*FOLLOW_UPS, "Go down to the water at low tide"]
    # a follow-up played, and the model's plans after it
    after_plans = ["Wade out to the breakwater steps", "Look for the boy in the net sheds", "Wake the harbourmaster"]
    model.push(", and the paper browns but does not burn: under the ring, in lemon ink, is a time, ten past two.",
               upd(after_plans))
    _, after = await drain(story.play(FOLLOW_UPS[0]))
    assert not after.stats.authored_opening and after.node.plans == after_plans
    # written again, the outcome's turn is the model's, and so are its plans
    story.goto(done.node.id)
    model.push(". Below the tide table, in pencil, someone has written your name, and under it a date three days gone.",
               upd(["Go down to the water at low tide", "Show the note to the lamplighter", "Sleep on the quay"]))
    _, again = await drain(story.retry())
    assert not again.stats.authored_opening
    assert again.node.plans == ["Go down to the water at low tide", "Show the note to the lamplighter",
                                "Sleep on the quay"]


async def test_the_simulated_reader_can_be_drawn_to_the_authors_plans(open_game, world):
    """The 30-turn plays' simulated reader picked by a seeded index that was the same on every world, and
    took a follow-up once in 30 turns: with `authored_pick` 1 it takes the author's plan whenever one is
    shown (a first choice, then the follow-up after its outcome), and then the model's plans as before."""
    import io

    from rgpt_fiction.autoplay import autoplay
    from rgpt_fiction.headless import Printer

    follow_ups = ["Pick up the lamplighter's warm pole", "Call up the stair"]
    authored = World.model_validate({**world.snapshot(), "first_outcomes": [FIRST] * 3,
                                     "first_follow_ups": [follow_ups] * 3})
    model = ScriptedModel(improvise=False, prefill=True)
    story, _ = open_game(model, the_world=authored, paragraph_words=30)
    await drain(story.start())
    model.push(upd(["Climb on to the lamp room", "Wait on the quay for the bell", "Ask the fishwife about Mara"]))
    for paragraph, plans in SCENES[1:3]:
        model.push(paragraph, upd(plans))
    # seed 1 picks the third plan at turn 2 (the model's), and a follow-up only when drawn to the author's
    await autoplay(story, 3, Printer(io.StringIO()), seed=1, quiet=True, authored_pick=1.0)
    played = [n.plan for n in story.game.path()][1:]
    assert played[0] in authored.first_choices and played[1] in follow_ups
    assert played[2] in SCENES[1][1]


def test_more_lists_of_follow_ups_than_outcomes_is_an_authors_error_that_names_the_field_and_line(tmp_path):
    from rgpt_fiction.world.load import WorldError, load_world

    path = tmp_path / "w.toml"
    path.write_text('schema = 1\ntitle = "T"\nsummary = "S"\npremise = "P"\n\n[[events]]\ntext = "A bell rings."\n'
                    'choices = ["Count the rings", "Run"]\noutcomes = ["You count nine."]\n'
                    'follow_ups = [["Count again"], ["Run home"]]\n')
    with pytest.raises(WorldError) as err:
        load_world(path)
    assert str(err.value) == (f"{path}:10: events[0].follow_ups: 2 lists of follow-ups for 1 outcome: each list of "
                              "follow-ups belongs to the outcome at the same place in `outcomes`")


def test_more_first_outcomes_than_first_choices_is_an_authors_error(world):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match=r"2 outcomes for 1 choice: each outcome belongs to the choice at the "
                                              r"same place in `first_choices`"):
        World.model_validate({**world.snapshot(), "first_choices": ["Go up"], "first_outcomes": ["You go.", "You do."]})

