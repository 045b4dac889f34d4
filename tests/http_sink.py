"""A real HTTP server on 127.0.0.1 for the outbound senders to talk to (SMS gateway, webhook receivers)."""

import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HttpSink:
    """Records each POST (path, headers, raw body, parsed JSON) and answers with the next planned status (then 200)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.planned: list[int] = []
        self.lock = threading.Lock()
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers["Content-Length"]))
                with sink.lock:
                    sink.received.append({"path": self.path, "headers": dict(self.headers), "raw": raw,
                                          "json": json.loads(raw)})
                    status = sink.planned.pop(0) if sink.planned else 200
                reply = json.dumps({"code": status, "echo": json.loads(raw)}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:  # keep the test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"


@contextlib.contextmanager
def http_sink() -> Iterator[HttpSink]:
    sink = HttpSink()
    thread = threading.Thread(target=sink.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        sink.server.shutdown()
        sink.server.server_close()
