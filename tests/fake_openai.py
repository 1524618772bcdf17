"""A small OpenAI-compatible chat server for tests, bound to 127.0.0.1, that can misbehave on purpose.

Each request takes the next behaviour from `server.behaviours` (the last one repeats):
  ("ok", text)        stream `text` and finish normally
  ("status", code)    answer with that HTTP status
  ("hang", seconds)   say nothing for that long
  ("cut", text)       stream half of `text`, then close the connection without finishing
  ("empty", None)     finish with no content at all
  ("stall", (text, s)) stream half of `text`, then say nothing for s seconds
A behaviour may also be a function of the request body returning one of these, e.g. to refuse
some `response_format`s ("status-message", (400, "response_format is not supported")).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    def __init__(self):
        self.behaviours: list[tuple] = [("ok", "Hello.")]
        self.requests: list[dict] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._server.shutdown()
        self._server.server_close()

    def next_behaviour(self) -> tuple:
        return self.behaviours.pop(0) if len(self.behaviours) > 1 else self.behaviours[0]

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                fake.requests.append({"body": body, "headers": dict(self.headers)})
                behaviour = fake.next_behaviour()
                kind, arg = behaviour(body) if callable(behaviour) else behaviour
                if kind in ("status", "status-echo", "status-message"):
                    message = f"scripted {arg}"
                    if kind == "status-echo":  # like providers that quote the credentials they refused
                        message += f": invalid key {self.headers.get('Authorization')}"
                    if kind == "status-message":
                        arg, message = arg
                    payload = json.dumps({"error": {"message": message, "type": "server_error"}}).encode()
                    self.send_response(arg)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                    return
                if kind == "hang":
                    time.sleep(arg)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                text, stall = (arg if kind == "stall" else (arg, 0))
                text = text or ""
                words = text.split(" ") if text else []
                if kind in ("cut", "stall"):
                    words = words[: max(1, len(words) // 2)]
                for i, word in enumerate(words):
                    self._event({"content": word if i == 0 else " " + word}, None)
                if kind == "stall":
                    time.sleep(stall)
                    return
                if kind == "cut":
                    self.wfile.flush()
                    self.connection.shutdown(2)
                    return
                self._event({}, "stop", usage={"prompt_tokens": 11, "completion_tokens": len(words), "total_tokens": 11 + len(words)})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, delta, finish, usage=None):
                chunk = {
                    "id": "chatcmpl-test", "object": "chat.completion.chunk", "created": int(time.time()),
                    "model": "test", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                }
                if usage:
                    chunk["usage"] = usage
                self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
                self.wfile.flush()

        return Handler
