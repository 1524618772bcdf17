"""Long-term memory on a real LanceDB in a temp folder, with the real bundled embedder."""

from rgpt_fiction.memory.rows import MemoryRow
from rgpt_fiction.memory.store import MemoryStore, id_ranges, path_filter

FACTS = [
    "The blacksmith Orla forged a silver key shaped like a heron.",
    "Rain fell on the market all afternoon; nobody bought fish.",
    "A choir sang in the chapel while the candles guttered.",
    "The ferryman charges two copper coins for the crossing.",
    "Wolves were heard howling beyond the northern wall.",
]


def filler(n):
    return [f"Turn {i}: you walk the long road and count the milestones, number {i}." for i in range(n)]


def test_id_ranges_fold_paths():
    assert id_ranges([5, 1, 2, 3, 7, 8]) == [(1, 3), (5, 5), (7, 8)]
    assert path_filter([1, 2, 3]) == "((node >= 1 AND node <= 3))"
    assert path_filter([]) == "false"


def test_store_and_retrieve_the_relevant_row_among_many(tmp_path, embedder):
    store = MemoryStore(tmp_path / "m.lance", embedder)
    texts = filler(120) + FACTS
    store.add([MemoryRow.paragraph(i, i, t) for i, t in enumerate(texts)])
    assert store.count() == len(texts)
    hits = store.search_path(embedder.embed_one("Who made the heron key?"), 3, list(range(len(texts))))
    assert hits[0].text == FACTS[0]
    assert hits[0].node == 120 and 0.0 < hits[0].score <= 1.0
    assert hits[0].score > hits[-1].score or len(hits) == 1


def test_path_filter_hides_other_branches(tmp_path, embedder):
    store = MemoryStore(tmp_path / "m.lance", embedder)
    store.add([MemoryRow.paragraph(i, i, t) for i, t in enumerate(filler(10))])
    store.add([MemoryRow.paragraph(10, 5, FACTS[0])])  # on another branch
    q = embedder.embed_one("the heron key from the blacksmith")
    on_path = store.search_path(q, 3, list(range(10)))
    assert all(h.node != 10 for h in on_path)
    with_branch = store.search_path(q, 3, list(range(5)) + [10])
    assert with_branch[0].node == 10


def test_rewind_by_turn_deletes_rows(tmp_path, embedder):
    store = MemoryStore(tmp_path / "m.lance", embedder)
    store.add([MemoryRow.paragraph(i, i, t) for i, t in enumerate(filler(8))])
    store.add([MemoryRow.lore(0, FACTS[3])])
    store.delete_nodes([5, 6, 7])
    assert store.nodes() == set(range(5))
    assert store.count("kind = 'lore'") == 1
    assert store.search_lore(embedder.embed_one("ferry price"), 1)[0].text == FACTS[3]


def test_memory_survives_reopening(tmp_path, embedder):
    MemoryStore(tmp_path / "m.lance", embedder).add([MemoryRow.paragraph(0, 0, FACTS[2])])
    again = MemoryStore(tmp_path / "m.lance", embedder)
    assert again.count() == 1
    assert again.search_text("singing in church", 1)[0].text == FACTS[2]
