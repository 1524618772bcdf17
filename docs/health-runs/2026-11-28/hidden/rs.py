"""A lowtide turn's paragraph prompt, its plan made each of the plans given, resampled N times each with and
without the sentence that says the ledger stays hidden. Prints each paragraph."""
import asyncio
import copy
import json
import subprocess
import sys
from rgpt_fiction.config import Settings
from rgpt_fiction.factory import make_model
from rgpt_fiction.engine.prompts import HEADING, opening_words
from rgpt_fiction.engine.hidden import still_hidden
saves, slot, turn, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
plans = sys.argv[5:]
rec = json.loads(subprocess.run(["rgpt-fiction", "--saves-dir", saves, "inspect", slot, "--turn", str(turn), "--json"],
                                capture_output=True, text=True, check=True).stdout)["record"]
msgs = rec["calls"][0]["messages"]
model = make_model(Settings(model="embedded/qwen-1.5b"))
def variant(plan, told):
    m = copy.deepcopy(msgs[:2])
    c = m[1]["content"]
    head = c[:c.index(HEADING["plan"])]
    rest = c[c.index(HEADING["instruction"]):]
    rest = rest.split(" When the reader asks")[0]
    rest = rest.split(" The ledger is still hidden")[0]
    c = head + f"{HEADING['plan']} {plan}\n\n" + rest + (still_hidden(["ledger"]) if told else "")
    m[1]["content"] = c
    op = opening_words(plan)
    if op:
        m.append({"role": "assistant", "content": op})
    return m, op
async def one(m):
    text = ""
    async for item in model.stream(m, max_tokens=142, temperature=0.8):
        if isinstance(item, str):
            text += item
    return text
async def main():
    for plan in plans:
        for told in (False, True):
            m, op = variant(plan, told)
            if plan == plans[0]:
                print("PROMPT-END", repr(m[1]["content"][-400:]), flush=True)
            for i in range(n):
                print(json.dumps({"plan": plan, "told": told, "i": i, "text": op + (await one(m))}), flush=True)
asyncio.run(main())
