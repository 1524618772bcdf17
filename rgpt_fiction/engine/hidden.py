"""The things a story is about finding (a world's `[content] hidden`: lowtide's ledger, wending's Silver Spoon), kept
out of the model's hands until the world's own events bring them to light.

Why: the 1.5B model finds what the reader is looking for as soon as the reader looks. "You search for the key and find
it in the alley… You open the door and find the ledger inside", at turn 4 of a lowtide play whose fresh reader quit
there (the whole mystery found and never mentioned again); "You look for the Silver Spoon in the cabinet. You open it
and find a small wooden box with an old silver spoon inside", at turn 27 of a wending play, which the world's own
events bring back at turn 33.

So a plan that names a hidden thing is told it stays hidden (`still_hidden`), and a paragraph of the model's in which
the hero, or anyone, finds, holds or hands it over is written again once, then such sentences are cut (`cut_found`).
The author says which event brings it to light (its `reveals`): from the turn after the one that tells that event,
and once every event has been told, nothing is hidden.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence

from ..world.model import Event
from .parsing import cut_sentences


def hidden_now(hidden: Sequence[str], events: Sequence[Event], told: Iterable[int | None]) -> list[str]:
    """The names of `hidden` not yet brought to light after the events `told` (their indexes in `events`): an event
    told that `reveals` a thing lifts every name of it, the longer or shorter ones as whole words ("Silver Spoon"
    lifts "Spoon", "key" does not lift "turnkey"); and when every event has been told the author's story is over and
    nothing is hidden. The paragraph that ends with the revealing event is still written with it hidden."""
    from ..world.lore import key_in_text

    done = {i for i in told if i is not None and 0 <= i < len(events)}
    if not hidden or len(done) >= len(events) > 0:
        return []
    shown = [events[i].reveals for i in done if events[i].reveals]
    return [h for h in hidden if not any(key_in_text(s, h) or key_in_text(h, s) for s in shown)]


def hidden_in_plan(plan: str, hidden: Sequence[str]) -> list[str]:
    """The hidden things the `plan` names, each once by its longest name, matched as the cut matches them (`_named`:
    "Ask Mrs. Bramble about her tasting spoon" does not name wending's "Spoon")."""
    from .prompts import named_in_plan

    return named_in_plan(plan, hidden, lambda name, text: bool(_named((name,)).search(text)))


def still_hidden(names: Sequence[str]) -> str:
    """The instruction's sentence for a plan that names a thing still hidden (`hidden_in_plan` gives the `names`):
    like the dead's (`prompts.still_dead`), said once for each thing, by its longest name, with "the" unless it has
    its own ("the ledger"; "Castellane's ledger", "the Star")."""
    said = [n if n.split()[0].lower() in ("the", "a", "an") or n.split()[0].endswith(("'s", "’s")) else "the " + n
            for n in names]
    return "".join(f" {n[0].upper()}{n[1:]} is still hidden: in this paragraph the reader can find a sign of where {n} "
                   f"may be, never {n} itself, and no one has it or hands it over." for n in said)


# words that find, hold or hand over the thing named a few words after them ("find the ledger", "pulls out a small
# box with the silver spoon", "Moss has the ledger", "hands you the Spoon")
_FINDS = frozenset(
    "find finds found finding discover discovers discovered discovering uncover uncovers uncovered unearth unearths "
    "unearthed retrieve retrieves retrieved recover recovers recovered pull pulls pulled lift lifts lifted grab grabs "
    "grabbed hold holds holding held clutch clutches clutched clutching pocket pockets pocketed hand hands handed "
    "handing give gives gave giving produce produces produced spot spots see sees show shows showed take takes took "
    "taking open opens opened tuck tucks tucked slip slips slipped have has".split())
_HAVE = frozenset({"have", "has"})  # these hold only what comes next ("has the ledger", "have Castellane's ledger")
# words before such a verb that make it a wish, a question or a denial, not a find ("help me find the Spoon", "he
# couldn't find the ledger", "before the men who killed him find it")
_NOT_YET = frozenset(
    "not no never nobody nothing cannot to can could will would must should might may help try tries trying hope "
    "hopes hoping want wants wanted need needs going let ask asks asked if whether before until unless".split())
# words that end the reach back from the thing's name to a verb: another clause ("you see Moss, who wants the
# ledger"), or the thing as what is looked for or talked of ("you pull the drawer open and look for the ledger",
# "Moss hands you a note about the ledger")
_CLAUSE = frozenset("who whom which that where what whether if because but for about of from on look looks looking "
                    "search searches searching seek seeks seeking check checks checking".split())
_MANAGE = frozenset("manage manages managed able".split())  # "to" after these finds: "you manage to find the ledger"
# words after the thing's name that put it in someone's hands ("the ledger is in your hands", "the spoon inside")
_HELD_AFTER = re.compile(r"^\W*(?:\w+\W+){0,3}?(?:in\s+(?:your|his|her|their)\s+(?:hands?|palm|pocket|lap|grip)\b|"
                         r"in\s+hand\b|inside\s*(?:[.,;!]|$))", re.I)
# where "it" is found: "you find it in a drawer", "found it under a tree", "you find it." (not "find it closed")
_PLACED = re.compile(r"^\s*(?:[.!;,]|$|(?:in|inside|under|beneath|behind|on|among|between|over|wrapped|tucked|hidden|"
                     r"buried|lying|stuffed|sewn|taped|nailed|rolled|folded)\b)", re.I)
_TOKEN = re.compile(r"[\w'’]+|[,;:—–()]")
REACH = 8  # words from a finding verb to the thing's name at most


@functools.lru_cache(maxsize=16)
def _named(hidden: tuple[str, ...]) -> re.Pattern[str]:
    """The hidden names as whole words, not as an owner's mark ("you find the Spoon's presentation case, empty"): in any
    case, but a one-word name the author capitalised only as written, for its common word is another thing
    (wending's clue "a silver teaspoon… my tasting spoon" is not the Silver Spoon; "an old silver spoon" is)."""
    def one(name: str) -> str:
        words = r"\s+".join(map(re.escape, name.split()))
        return words if len(name.split()) == 1 and name != name.lower() else f"(?i:{words})"

    names = sorted(hidden, key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(one, names)) + r")\b(?!['’]s\b)")


def _denied(words: Sequence[str]) -> bool:
    """Whether the words before a finding verb make it a wish, a question or a denial ("to", but not "manage to")."""
    return any((w in _NOT_YET and not (w == "to" and i and words[i - 1] in _MANAGE))
               or w.endswith(("n't", "n’t", "'ll", "’ll", "'d", "’d")) for i, w in enumerate(words))


def finds(sentence: str, hidden: Sequence[str], sought: bool = False) -> bool:
    """Whether the `sentence` finds, holds or hands over one of the `hidden` things (each named as a whole word):
    a finding verb at most REACH words before its name, in the same clause, neither wished, asked nor denied;
    or "in your hands", "inside." just after it. Names match as `_named` says. When the reader's plan looks for it
    (`sought`), "it" names it too: "You search for the ledger. … After several minutes of searching, you find it in a
    drawer under the table." Only the narration counts ('"Give me the ledger," Moss says' finds nothing), and a
    question finds nothing."""
    from ..quality import narration

    if not hidden or sentence.rstrip().rstrip('"”’').endswith("?"):
        return False
    sentence = narration(sentence)
    for m in _named((*hidden, *(("it",) if sought else ()))).finditer(sentence):
        if m.group().lower() == "it":  # found where it lies ("you find it in a drawer"), not "find it locked"
            before = [t.lower() for t in _TOKEN.findall(sentence[:m.start()])]
            if before and before[-1] in _FINDS and not _denied(before[-4:-1]) and _PLACED.match(sentence[m.end():]):
                return True
            continue
        if _HELD_AFTER.match(sentence[m.end():]):
            return True
        before = [t.lower() for t in _TOKEN.findall(sentence[:m.start()])][-REACH:]
        for i in range(len(before) - 1, -1, -1):
            word = before[i]
            if not word[0].isalnum() or word in _CLAUSE:
                break
            if word in _FINDS:
                if word in _HAVE and len(before) - i > 3:  # "has been working on the ledger" holds nothing
                    break
                if not _denied(before[max(0, i - 3):i]) and not _denied(before[i + 1:]):
                    return True
                break
    return False


def cut_found(paragraph: str, hidden: Sequence[str], plan: str = "") -> tuple[str, bool]:
    """The paragraph without the sentences that find one of the `hidden` things (`finds`; "it" too when the reader's
    `plan` names one), the first among them too: "You open the door and find the ledger inside" is the reader's
    search and its wrong end at once. Left whole when too little story would remain. (A turn writes such a
    paragraph again once before it cuts: what is left of a find often still holds it, "You feel the weight of the
    ledger".)"""
    if not hidden:
        return paragraph, False
    sought = bool(hidden_in_plan(plan, hidden))
    return cut_sentences(paragraph, lambda s: finds(s, hidden, sought), spare_first=False)
