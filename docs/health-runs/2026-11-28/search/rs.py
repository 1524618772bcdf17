"""Searching turns of plays at 8a6dc7b and d1df99f, each paragraph prompt resampled N times with the search told as
its opening ("You search for the allotment") and with the find begun ("… You find"). Prints each paragraph.
Run from the repository (the change measured is in the script): python docs/health-runs/2026-11-28/search/rs.py N
SAVES:SLOT:TURN ..."""
import asyncio
import json
import re
import sys

from benchmarks.resample import default_model, paragraph_messages, written

# the change measured, not kept: a search's opening went on to what it turns up
_SEARCHES = re.compile(r"^You (?:search|look (?:for|through|in|under|behind|inside)|examine|inspect|check|investigate|"
                       r"rummage|go through|comb|hunt (?:for|through)|dig)\b")


def find_begun(opening: str) -> str:
    return opening.rstrip(" .") + ". You find" if _SEARCHES.match(opening) else opening


async def main(n, turns):
    model = default_model()
    for saves, slot, turn in turns:
        plan, messages = paragraph_messages(saves, slot, int(turn))
        for begun in (False, True):
            m = [*messages[:2], {"role": "assistant", "content": find_begun(messages[2]["content"]) if begun
                                 else messages[2]["content"]}]
            for i in range(n):
                print(json.dumps({"slot": slot, "turn": turn, "plan": plan, "begun": begun, "i": i,
                                  "text": m[2]["content"] + await written(model, m)}), flush=True)


asyncio.run(main(int(sys.argv[1]), [a.split(":") for a in sys.argv[2:]]))  # N saves:slot:turn ...
