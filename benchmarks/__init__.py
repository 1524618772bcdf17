"""Benchmarks for rgpt-fiction: is the recurrence cheap, flat and fast?

Run them with ``python -m benchmarks [--quick] [--json FILE] [--write-docs]``.
Each suite is a module with a ``run(...)`` function returning a plain dict:

    {"suite": name, "config": {...}, "rows": [...], "budgets": [...], "notes": [...]}

``budgets`` holds ``{"name", "budget", "measured", "met", "how"}`` entries (``met`` is
True, False or None when not measurable). Nothing here asserts a timing.
"""

from __future__ import annotations

import os

# Never touch the network: litellm's price list and the Hugging Face hub stay local.
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

SUITES = ("startup", "overhead", "prompt", "baselines", "recall", "tree", "embedded")
