"""A lowtide turn's paragraph prompt, its plan made each of the plans given, resampled N times each with and
without the sentence that says the ledger stays hidden. Prints each paragraph.
Usage, from the repository: python docs/health-runs/2026-11-28/hidden/rs.py SAVES SLOT TURN N PLAN..."""
import asyncio
import json
import sys

from benchmarks.resample import default_model, paragraph_messages, with_plan, written
from rgpt_fiction.engine.hidden import still_hidden


async def main(saves, slot, turn, n, plans):
    _, messages = paragraph_messages(saves, slot, turn)
    model = default_model()
    for plan in plans:
        for told in (False, True):
            m = with_plan(messages, plan, still_hidden(["ledger"]) if told else "", drop=("The ledger is still hidden",))
            if plan == plans[0]:
                print("PROMPT-END", repr(m[1]["content"][-400:]), flush=True)
            begun = m[2]["content"] if len(m) > 2 else ""
            for i in range(n):
                print(json.dumps({"plan": plan, "told": told, "i": i, "text": begun + await written(model, m)}),
                      flush=True)


asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5:]))
