"""How each embedded model is sampled: a 135M model needs props (a verb-first grammar for its
plans, a copy penalty for its prose) that harm a 1.5B one."""

from __future__ import annotations

import copy
from dataclasses import dataclass


@dataclass(frozen=True)
class Decoding:
    """How one model is sampled. `copy_penalty`: llama.cpp's DRY idea over the prompt (SmolLM2
    copies the last paragraph without it). Qwen goes without: even with every spelling of a copied
    word pushed down, the penalty glued words on its tokenizer ("weakbox" 11 times in a 6-turn run on
    lowtide, a plan scored 0.75 English), and without it Qwen copied a median 0 % of 8-word spans.
    `verb_first_plans`: a grammar pattern that makes every plan open with a known verb (SmolLM2's
    plans drift into other languages without it; it keeps a better model from naming people).
    `prose_stop`: where a paragraph ends (Qwen goes on with a second paragraph or a menu)."""

    copy_penalty: bool = False
    verb_first_plans: bool = False
    repeat_penalty: float = 1.0
    top_p: float = 0.9
    min_p: float = 0.05
    top_k: int = 40
    prose_stop: tuple[str, ...] = ()


SMOL_DECODING = Decoding(copy_penalty=True, verb_first_plans=True, repeat_penalty=1.15, top_p=0.95, min_p=0.05)
QWEN_DECODING = Decoding(repeat_penalty=1.1, top_p=0.9, min_p=0.05, prose_stop=("\n1.", "\n- ", "\n*"))


# A small model writes much better plans when each must open with an imperative verb
# and an article or pronoun; the grammar enforces it (a pattern, not a length: long
# length bounds blow up llama.cpp's grammar). Digits, full stops and hyphens must stay
# allowed: a model that wants "June 12." and may not write it derails into random letters.
_VERBS = (
    "Ask|Follow|Search|Hide|Go|Wait|Climb|Open|Take|Talk to|Look for|Run|Enter|Leave|Confront|Read|Call|"
    "Offer|Return|Sneak|Watch|Find|Visit|Tell|Show|Give|Listen|Examine|Help|Warn|Steal|Fight|Trust|Refuse|"
    "Light|Break|Write|Hold|Question|Rest|Study|Bargain with|Demand|Cross|Dig|Keep|Slip|Check|Chase|Pretend"
)
_LINK = "the|a|an|your|to|for|into|up|down|through|out|across|behind|toward|towards|about|with|her|his|their|him|them|back|inside|around|over|at|on"
PLAN_PATTERN = f"^({_VERBS}) ({_LINK}) [a-z][a-zA-Z0-9 ,'.;!?-]*$"


def guide_plans(schema: dict) -> dict:
    """The schema with a verb-first pattern on plan strings (only where none is given)."""
    plans = schema.get("properties", {}).get("plans")
    if not plans or plans.get("type") != "array":
        return schema
    items = plans.get("items") or {}
    if items.get("type") != "string" or "pattern" in items:
        return schema
    out = copy.deepcopy(schema)
    out["properties"]["plans"]["items"] = {"type": "string", "pattern": PLAN_PATTERN}
    return out


