"""The words a person of the story is called by, read the same way by the world file's checks and the engine."""

from __future__ import annotations

import re

# a word of a name in any script ("Nguyễn", "Дмитрий"), with its apostrophes and hyphens
NAME_WORD = re.compile(r"[^\W\d_][\w'’-]*")
TITLES = frozenset({"miss", "mrs", "mr", "ms", "dr", "sir", "lady", "lord", "captain", "capt", "lieutenant", "sister",
                    "brother", "father", "mother", "professor", "prof", "doctor", "detective", "inspector", "marshal",
                    "the"})
# words that stand before a name in the worlds but are no one's name (for `name_words`, not the hero's given name)
_RANKS = frozenset({"reverend", "constable", "sergeant", "widow", "old", "young", "king", "queen", "prince", "princess"})


def name_words(name: str) -> list[str]:
    """The words a person is called by in a story: those of their `name` but titles and small words
    ("Lieutenant Sam Okafor" -> Sam, Okafor; "Mariam of Nisibis" -> Mariam, Nisibis; "Widow Hester Pike" ->
    Hester, Pike)."""
    return [w for w in NAME_WORD.findall(name)
            if w[:1].isupper() and len(w) > 2 and w.lower() not in TITLES | _RANKS]
