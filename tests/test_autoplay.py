"""The simulated reader of the writer mode (autoplay): what it types."""

import random

from rgpt_fiction.autoplay import typed_plan
from rgpt_fiction.world.model import World


def test_the_simulated_reader_types_a_lore_thing_with_its_article(world):
    """A harrowmere play's typed plan read "I search for causeway", and the paragraph opened "You search for
    causeway.": a lore key in lower case is typed with "the"; a name is typed as it is."""
    lore = World.model_validate({**world.snapshot(), "lore": [
        {"keys": ["causeway"], "text": "The causeway floods at high tide."},
        {"keys": ["Sam Carvell"], "text": "Sam Carvell sang lead."}]})
    typed = {typed_plan(lore, random.Random(seed)) for seed in range(40)}
    assert "I search for the causeway" in typed and "I search for Sam Carvell" in typed
    assert not any(t.endswith(" causeway") and " the causeway" not in t for t in typed)


def test_the_simulated_reader_asks_who_is_here_and_looks_for_who_is_not(world):
    """Typed at random, "I go looking for Lieutenant Sam Okafor" came while Okafor stood talking to the hero, and
    "I search for the key" after the key was put in the hero's hand; a fresh reader of that play quit at it."""
    cast = World.model_validate({**world.snapshot(), "characters": [
        {"name": "Lieutenant Sam Okafor", "description": "A tired cop."},
        {"name": "Moss Dellacroix", "description": "Owns the club."}], "lore": [
        {"keys": ["key"], "text": "The brass key opens a Lowtown lock."},
        {"keys": ["ledger"], "text": "The ledger lists every payment."}]})
    here = '"Why tell me now?" you ask. Okafor lets go of your elbow and looks down the street.'
    told = "She puts a brass key with a cork float on your desk. " + here
    typed = {typed_plan(cast, random.Random(seed), here=here, told=told) for seed in range(60)}
    assert "I go looking for Moss Dellacroix" in typed and "I go looking for Lieutenant Sam Okafor" not in typed
    assert {t for t in typed if t.startswith("I ask")} == {"I ask Lieutenant Sam Okafor about the ledger"}
    assert "I search for the ledger" in typed and "I search for the key" not in typed
    # a character the world names with "the" is with the hero when the story names it in lower case
    star = World.model_validate({**cast.snapshot(), "characters": [
        *cast.snapshot()["characters"], {"name": "the Star", "description": "A fallen star that talks."}]})
    held = "You pinch out your lamp and crouch in the shadow, the star muffled against your chest."
    typed = {typed_plan(star, random.Random(seed), here=held, told=held) for seed in range(60)}
    assert "I go looking for the Star" not in typed and "I ask the Star about the ledger" in typed
    # told nothing: anyone, anything
    anyone = {typed_plan(cast, random.Random(seed)) for seed in range(60)}
    assert "I go looking for Lieutenant Sam Okafor" in anyone and "I search for the key" in anyone
