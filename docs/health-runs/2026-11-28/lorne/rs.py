"""Harrowmere turn 8 of a play at 9872886 ("I search for Lorne"), its paragraph prompt resampled N times with
Dr. Lorne's lore entry as it was and as reworded at 35c23f0 (where he is during the story). Prints each paragraph."""
import asyncio
import json
import sys

from benchmarks.resample import default_model, paragraph_messages, written

OLD = ("Dr. Lorne keeps his surgery above the chandler's at Blackmarsh Staithe and rows a tarred boat over when the "
       "tide allows. He signed Silas's death certificate, heart failure, and will not set foot in the library.")
NEW = ("Dr. Lorne's surgery is at Blackmarsh Staithe, across the causeway, under water tonight: nobody in the house "
       "can reach him; he comes only by rowing his tarred boat when the tide allows. He signed Silas's death "
       "certificate, heart failure, and never enters the library.")


async def main(saves, slot, turn, n):
    _, messages = paragraph_messages(saves, slot, turn)
    assert OLD in messages[1]["content"]
    model = default_model()
    for lore in ("old", "new"):
        m = [messages[0], {**messages[1], "content": messages[1]["content"].replace(OLD, NEW if lore == "new" else OLD)},
             *messages[2:]]
        begun = m[2]["content"] if len(m) > 2 else ""
        for i in range(n):
            print(json.dumps({"lore": lore, "i": i, "text": begun + await written(model, m)}), flush=True)


asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])))
