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
