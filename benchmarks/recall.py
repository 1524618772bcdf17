"""Suite 5: does retrieval bring the paragraph a plan needs into the prompt?

A synthetic story of N paragraphs (1,000; fewer with --quick) in which F facts are planted
(F = 50): a person, a place, an object and its owner, each in one paragraph among ordinary
ones that also mention the same places and kinds of objects. Everything is embedded with
the REAL embedder and stored in a real LanceDB MemoryStore. At the end of the story, for
each fact a plan that needs it is written, and the retrieval is asked for the engine's k:

- ours: the engine's query, `VectorCache.query(plan, short_term_memory)` (plan and memory
  embedded apart and mixed), through `MemoryStore.search_path` over the path (minus the
  last paragraph, which is in the prompt anyway), exactly as the turn does (`engine.recall.recall`);
- plan only: the plan's own vector, as RecurrentGPT's reference code queries;
- rolling context: whether the paragraph is still inside an 8,192-token window of the
  whole story (what a naive chat loop would have in its prompt).

The short-term memory is a realistic summary of the recent story (it does not mention
the old fact: that is why long-term memory exists).
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from . import common
from .baselines import WINDOW

from rgpt_fiction.engine.vectors import PLAN_WEIGHT

_FIRST = ["Isolde", "Corvin", "Maelis", "Tobiah", "Wenna", "Ansel", "Brisk", "Odile", "Fenwick", "Sabra",
          "Lorcan", "Petra", "Quill", "Rhosyn", "Tamsin", "Ulric", "Vesna", "Yarrow", "Ebba", "Garrick",
          "Hollis", "Ines", "Jory", "Kestrel", "Linnet"]
_LAST = ["Varrick", "Dunbarrow", "Pell", "Ashgrove", "Coldharbour", "Mereweather", "Thorne", "Quayle",
         "Bellamy", "Stoke", "Harrow", "Wick"]
_NAMED_PLACES = ["the Gannet Steps", "the Drowned Bell inn", "Saint Ives' well", "the Rope Walk", "the eel weir",
                 "the customs house", "the Lantern Stair", "the old tannery", "the lock keeper's cottage",
                 "the chalk pit", "the signal hill", "the net lofts", "the pilgrim bridge", "the salt pans",
                 "the almshouse", "the boat graveyard", "the counting house", "the sluice gate",
                 "the ropemaker's yard", "the ferry slip"]
_OBJECTS = [("a silver compass", "compass"), ("a brass astrolabe", "astrolabe"), ("a bone-handled knife", "knife"),
            ("a sealed letter", "letter"), ("a ring of iron keys", "keys"), ("a green glass lantern", "lantern"),
            ("a cracked pocket watch", "watch"), ("a prayer book", "prayer book"), ("a painted fan", "fan"),
            ("a coil of red rope", "rope"), ("a tin whistle", "whistle"), ("a ledger bound in sharkskin", "ledger"),
            ("a wax doll", "doll"), ("a sextant", "sextant"), ("a jar of black salt", "jar")]
_OWNERS = ["her brother", "the harbourmaster", "his dead wife", "the abbess", "a smuggler called Nine Fingers",
           "the miller's son", "her grandmother", "the lighthouse keeper", "the magistrate", "a drowned sailor",
           "the tinker queen", "his captain"]


def _name(rng: random.Random, used: set) -> str:
    while True:
        n = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
        if n not in used:
            used.add(n)
            return n


def _planted(rng: random.Random, name: str, place: str, obj: str, owner: str, buried: bool) -> str:
    first = name.split()[0]
    fact = (f"At {place} a stranger named {name} stops you and presses {obj} into your hands. "
            f"It belonged to {owner}, {first} whispers, and one day it must go back.")
    if buried:  # one event among unrelated goings-on
        return f"{common.paragraph(rng, 45)} {fact} {common.paragraph(rng, 40)}"
    # a paragraph about the event, as a narrator would write it
    return (f"{rng.choice(common._WEATHER)} as you reach {place}. {fact} {first} has the look of someone who has "
            f"carried a secret too long, and the {obj.split()[-1]} is heavier than it looks. You ask about {owner}, "
            f"but {first} only shakes {rng.choice(['her', 'his'])} head and glances back toward {place}. "
            f"{rng.choice(common._DETAILS)} When you turn around, {name} is gone, and you are left holding {obj}.")


def build_story(n_paragraphs: int, n_facts: int, seed: int = 11, buried: bool = False):
    """Paragraphs, planted facts (with their paragraph index) and the plan that needs each."""
    rng = random.Random(seed)
    used: set = set()
    paragraphs = []
    for _ in range(n_paragraphs):
        p = common.paragraph(rng, 100)
        r = rng.random()
        if r < 0.35:  # ordinary paragraphs mention the same places and kinds of things
            p += f" You pass {rng.choice(_NAMED_PLACES)} on the way."
        elif r < 0.6:
            p += f" Someone in the crowd is selling {rng.choice(_OBJECTS)[0]}."
        paragraphs.append(p)
    positions = rng.sample(range(1, int(n_paragraphs * 0.95)), n_facts)
    facts = []
    for i, pos in enumerate(sorted(positions)):
        name, place = _name(rng, used), rng.choice(_NAMED_PLACES)
        obj, noun = rng.choice(_OBJECTS)
        owner = rng.choice(_OWNERS)
        paragraphs[pos] = _planted(random.Random(seed * 1000 + i), name, place, obj, owner, buried)
        kind = i % 4
        if kind == 0:
            plan = f"Find {owner} and give back the {noun} that {name.split()[0]} entrusted to you"
        elif kind == 1:
            plan = f"Return to {place} and look for {name}"
        elif kind == 2:
            plan = f"Ask {name.split()[0]} why the {noun} had to leave {owner}"
        else:
            plan = f"Show the {noun} to someone who knew {owner}"
        facts.append({"index": pos, "name": name, "place": place, "object": obj, "owner": owner, "plan": plan,
                      "plan_kind": ["owner+object", "place+name", "name+object+owner", "object+owner"][kind]})
    return paragraphs, facts


def recent_memory(paragraphs: list[str], words: int = 150) -> str:
    """A short-term memory as a summarizer would write it at the end of the story: the gist
    (first two sentences) of the last paragraphs, newest last, within the engine's word budget."""
    gist = []
    for p in reversed(paragraphs[-8:]):
        sentences = [s.strip() for s in p.split(".") if s.strip()][:2]
        gist.insert(0, ". ".join(sentences) + ".")
        if sum(len(g.split()) for g in gist) >= words:
            break
    return " ".join(" ".join(gist).split()[:words])


PLAN_WEIGHTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def _ranks(store, queries, facts, older, deep):
    out = []
    for q, f in zip(queries, facts):
        hits = [h.node for h in store.search_path(q, deep, older)]
        out.append(hits.index(f["index"]) + 1 if f["index"] in hits else None)
    return out


def _at(ranks, kk):
    return round(sum(1 for r in ranks if r is not None and r <= kk) / len(ranks), 3) if ranks else None


def _mix(p, m, w):
    import numpy as np

    q = w * p + (1.0 - w) * m
    return (q / (np.linalg.norm(q) or 1.0)).astype("float32")


def run(n_paragraphs: int = 1000, n_facts: int = 50, k: int | None = None, log=print) -> dict:
    from rgpt_fiction.engine.story import TurnOptions
    from rgpt_fiction.engine.vectors import VectorCache
    from rgpt_fiction.memory.rows import MemoryRow
    from rgpt_fiction.memory.store import MemoryStore

    k = k or TurnOptions().recall_k
    deep = max(k, 10)
    emb = common.embedder()
    paragraphs, facts = build_story(n_paragraphs, n_facts)
    buried_pars, buried_facts = build_story(n_paragraphs, n_facts, buried=True)
    t = time.perf_counter()
    vectors = emb.embed(paragraphs)
    embed_s = time.perf_counter() - t
    log(f"    embedded {len(paragraphs)} paragraphs in {embed_s:.0f} s")
    planted = [f["index"] for f in facts]
    buried_vectors = vectors.copy()
    buried_vectors[planted] = emb.embed([buried_pars[i] for i in planted])
    memory = recent_memory(paragraphs)
    cache = VectorCache(emb)
    q_ours = [cache.query(f["plan"], memory) for f in facts]  # the engine's query, as engine.recall.recall makes it
    q_plan = [emb.embed_one(f["plan"]) for f in facts]
    q_mem = cache.one(memory)
    older = list(range(len(paragraphs)))[:-1]  # the last paragraph is in the prompt already
    variants = {}
    sweep = {}
    with tempfile.TemporaryDirectory(prefix="rgpt-bench-recall-") as tmp:
        for variant, pars, vecs in (("focused", paragraphs, vectors), ("buried", buried_pars, buried_vectors)):
            store = MemoryStore(Path(tmp) / f"{variant}.lance", emb)
            store.add([MemoryRow.paragraph(i, i, p) for i, p in enumerate(pars)], vecs)
            variants[variant] = {"ours": _ranks(store, q_ours, facts, older, deep),
                                 "plan_only": _ranks(store, q_plan, facts, older, deep)}
            sweep[variant] = {str(w): _at(_ranks(store, [_mix(p, q_mem, w) for p in q_plan], facts, older, deep), k)
                              for w in PLAN_WEIGHTS}
    # rolling context: the paragraphs that still fit in the window at the end of the story
    window_from, used = len(paragraphs), 400  # room for the brief and the plan
    while window_from > 0 and used + len(paragraphs[window_from - 1]) // 4 <= WINDOW:
        window_from -= 1
        used += len(paragraphs[window_from]) // 4
    rolling = round(sum(1 for f in facts if f["index"] >= window_from) / len(facts), 3)

    rows = []
    for variant, r in variants.items():
        rows.append({"story": variant, "retrieval": "ours (plan + short-term memory)", f"recall@{k}": _at(r["ours"], k),
                     "recall@1": _at(r["ours"], 1), "recall@10": _at(r["ours"], 10)})
        rows.append({"story": variant, "retrieval": "plan only (reference)", f"recall@{k}": _at(r["plan_only"], k),
                     "recall@1": _at(r["plan_only"], 1), "recall@10": _at(r["plan_only"], 10)})
    rows.append({"story": "any", "retrieval": f"rolling context ({WINDOW}-token window)", f"recall@{k}": rolling,
                 "recall@1": None, "recall@10": None})
    by_kind = {}
    for kind in sorted({f["plan_kind"] for f in facts}):
        idx = [i for i, f in enumerate(facts) if f["plan_kind"] == kind]
        by_kind[kind] = {f"{v}/{key}": _at([variants[v][key][i] for i in idx], k)
                         for v in variants for key in ("ours", "plan_only")}
    r = variants["focused"]
    misses = [{"plan": f["plan"], "rank_ours": ro, "rank_plan_only": rp}
              for f, ro, rp in zip(facts, r["ours"], r["plan_only"]) if ro is None or ro > k][:10]
    ours = _at(r["ours"], k)
    budgets = [common.budget(
        f"recall@{k} of planted facts", ">= 0.9",
        f"ours {ours}, plan only {_at(r['plan_only'], k)}, rolling context {rolling} "
        f"(fact buried in an unrelated paragraph: ours {_at(variants['buried']['ours'], k)}, "
        f"plan only {_at(variants['buried']['plan_only'], k)})",
        ours >= 0.9,
        f"{len(facts)} facts in {len(paragraphs)} paragraphs, real embedder + LanceDB, the engine's query "
        f"(VectorCache.query, plan weight {PLAN_WEIGHT}) through MemoryStore.search_path",
    )]
    return {
        "suite": "recall", "config": {"paragraphs": len(paragraphs), "facts": len(facts), "k": k,
                                      "embed_seconds": round(embed_s, 1)},
        "rows": rows, "by_plan_kind": by_kind, "plan_weight": PLAN_WEIGHT, "plan_weight_sweep": sweep, "misses": misses, "budgets": budgets,
        "notes": ["focused: the planted paragraph is about the event; buried: the same fact sentence set among "
                  "unrelated goings-on (a harder case).",
                  f"plan_weight_sweep: recall@k with query = w * plan + (1 - w) * memory (the engine uses {PLAN_WEIGHT})."],
    }
