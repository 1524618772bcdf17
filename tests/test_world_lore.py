"""Lore selection: keys (whole words, any script), always, similarity, and the budget."""

from __future__ import annotations

import pytest

from rgpt_fiction.world import Lore, LoreHit, keyed_lore, select_lore
from rgpt_fiction.world.lore import clip, key_in_text


def words(hits: list[LoreHit]) -> int:
    return sum(len(h.text.split()) for h in hits)


@pytest.mark.parametrize("text, hit", [
    ("The ash tree", True),
    ("ASH fell from the sky", True),
    ("Ash.", True),
    ("(ash)", True),
    ("ashes to ashes", False),
    ("pay in cash", False),
    ("a flash of light", False),
    ("ash2", False),
    ("", False),
])
def test_key_is_a_whole_word_and_case_insensitive(text, hit):
    assert key_in_text("ash", text) is hit


def test_multi_word_key_ignores_case_and_spacing():
    assert key_in_text("Hollow Crown", "to the hollow\n   CROWN!")
    assert not key_in_text("Hollow Crown", "the hollow crowns")
    assert not key_in_text("Hollow Crown", "hollow, crown")


@pytest.mark.parametrize("key, text, hit", [
    ("башня", "Там стоит Башня, старая.", True),
    ("башня", "башнями", False),
    ("東京", "私は 東京 へ 行く", True),
    ("東京", "東京都", False),
    ("Straße", "die STRASSE", True),          # casefold: ß == ss
    ("café", "Un CAFÉ noir", True),
    ("naïve", "naïveté", False),
    ("देव", "देवी", False),                  # a combining vowel sign glues the word together
])
def test_keys_in_any_script(key, text, hit):
    assert key_in_text(key, text) is hit


def test_keyed_lore_returns_index_and_the_key_that_matched():
    lore = [
        Lore(keys=["ash"], text="Ash is sacred."),
        Lore(keys=["tower", "Чёрная башня"], text="The black tower."),
        Lore(keys=[], text="No keys."),
        Lore(keys=["bell"], text="A bell."),
    ]
    assert keyed_lore(lore, "the cash and the ashes") == []
    assert keyed_lore(lore, "Он видит ЧЁРНАЯ БАШНЯ", "an ASH wand") == [(0, "ash"), (1, "Чёрная башня")]
    assert keyed_lore(lore) == []
    assert keyed_lore(lore, "", None) == []


def test_always_then_keys_then_similarity_best_first():
    lore = [
        Lore(keys=["a1"], text="key one"),           # 0
        Lore(text="always one", always=True),         # 1
        Lore(keys=["b2"], text="key two"),           # 2
        Lore(text="similar low"),                     # 3
        Lore(text="similar high"),                    # 4
        Lore(text="below threshold"),                 # 5
    ]
    hits = select_lore(lore, ["then b2 and a1"], [(3, 0.5), (4, 0.9), (5, 0.2), (0, 0.99)], max_entries=10)
    assert [(h.index, h.reason) for h in hits] == [
        (1, "always"), (0, "key: a1"), (2, "key: b2"), (4, "similar: 0.90"), (3, "similar: 0.50"),
    ]
    assert hits[0].text == "always one"


def test_the_plan_s_keys_come_before_the_last_paragraph_s():
    """A world with many keyed entries: the last paragraph (a long text) names more of them than fit, and the entry
    the reader's plan names must not be the one left out."""
    lore = [Lore(keys=["creek"], text="one two three four"), Lore(keys=["bell"], text="five six seven eight"),
            Lore(keys=["coin"], text="nine ten eleven twelve")]
    hits = select_lore(lore, ["Take the coin to the assayer", "By the creek the bell rings."], [], budget_words=8)
    assert [(h.index, h.reason) for h in hits] == [(2, "key: coin"), (0, "key: creek")]
    # one text: in lore order, as before
    assert [h.index for h in select_lore(lore, ["the coin by the creek"], [], budget_words=8)] == [0, 2]


def test_similarity_respects_threshold_and_ignores_bad_indices():
    lore = [Lore(text="one"), Lore(text="two")]
    hits = select_lore(lore, [], [(0, 0.34), (1, 0.35), (7, 0.99), (-1, 0.99)])
    assert [(h.index, h.reason) for h in hits] == [(1, "similar: 0.35")]
    assert select_lore(lore, [], [(0, 0.9)], min_similarity=0.95) == []


def test_selection_stops_at_the_first_entry_over_budget():
    lore = [
        Lore(keys=["x"], text="one two three four five"),
        Lore(keys=["y"], text="six seven eight nine ten eleven"),
        Lore(keys=["z"], text="twelve"),
    ]
    hits = select_lore(lore, ["x y z"], [], budget_words=10)
    assert [h.index for h in hits] == [0]  # the second would exceed 10; selection stops there


def test_max_entries():
    lore = [Lore(keys=[f"k{i}"], text=f"entry {i}") for i in range(10)]
    hits = select_lore(lore, [" ".join(f"k{i}" for i in range(10))], [], max_entries=3)
    assert [h.index for h in hits] == [0, 1, 2]


def test_an_always_entry_longer_than_the_budget_is_clipped():
    lore = [Lore(text=" ".join(f"w{i}" for i in range(500)), always=True), Lore(keys=["k"], text="short")]
    hits = select_lore(lore, ["k"], [(1, 0.9)], budget_words=50)
    assert len(hits) == 1 and hits[0].reason == "always"
    assert words(hits) == 50 and hits[0].text.startswith("w0 w1") and hits[0].text.endswith("…")


def test_no_entry_twice():
    lore = [Lore(keys=["k"], text="a", always=True), Lore(keys=["k"], text="b")]
    hits = select_lore(lore, ["k"], [(0, 0.9), (1, 0.9)])
    assert sorted(h.index for h in hits) == [0, 1]
    assert [h.reason for h in hits] == ["always", "key: k"]


@pytest.mark.parametrize("kind", ["always", "keyed", "similar", "mixed"])
@pytest.mark.parametrize("budget, max_entries", [(120, 4), (40, 10), (300, 100), (0, 4), (5, 1)])
def test_budget_holds_with_a_hundred_lore_entries(kind, budget, max_entries):
    lore = [
        Lore(keys=[f"key{i}", "common"], text=" ".join(["word"] * (10 + i * 3)),
             always=(kind == "always" or (kind == "mixed" and i % 3 == 0)))
        for i in range(100)
    ]
    texts = ["common " + " ".join(f"key{i}" for i in range(100))] if kind in ("keyed", "mixed") else []
    similar = [(i, 0.99 - i / 1000) for i in range(100)] if kind in ("similar", "mixed") else []
    hits = select_lore(lore, texts, similar, budget_words=budget, max_entries=max_entries)
    assert words(hits) <= budget
    assert len(hits) <= max_entries
    assert len({h.index for h in hits}) == len(hits)
    if budget >= 10 and max_entries:
        assert hits, "something fits, so something is chosen"


def test_budget_is_flat_however_much_lore_matches():
    sizes = []
    for n in (5, 50, 500):
        lore = [Lore(keys=["dragon"], text="The dragon sleeps under the hill and wakes for gold.", always=i < n // 2)
                for i in range(n)]
        sizes.append(words(select_lore(lore, ["a dragon!"], [(i, 0.8) for i in range(n)])))
    assert max(sizes) <= 120 and sizes[1] == sizes[2]


def test_clip():
    assert clip("a b c", 5) == "a b c"
    assert clip("a b, c d", 2) == "a b…"
    assert clip("a b", 0) == ""
