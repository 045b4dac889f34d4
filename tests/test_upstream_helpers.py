"""What the upstream tests share (no tests here): a platform with its system account, a forwarded case's body,
and a real HTTP server on 127.0.0.1 that receives the callbacks and checks their signatures."""

import hashlib
import hmac
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from huying.cases import services as svc
from huying.cases.models import Case
from huying.org.models import User
from huying.upstream.models import UpstreamPlatform
from tests.cast import Cast

SECRET = "test-secret-市级平台"


def platform_make(code: str = "city12345", *, callback_url: str = "", active: bool = True) -> UpstreamPlatform:
    user = User.objects.create(username=f"system-{code}")
    return UpstreamPlatform.objects.create(code=code, name=f"{code} 平台", user=user, callback_url=callback_url,
                                           secret=SECRET, active=active)


def forward_body(upstream_id: str = "SH12345-2026-000001", **overrides) -> dict:
    """A sanitation complaint at 幸福里3号楼 as the city platform forwards it (routed to 幸福里社区)."""
    body = {
        "upstream_id": upstream_id, "request_type": "complaint", "category": "T010101", "title": "垃圾未清运",
        "description": "幸福里3号楼门口垃圾两天没人清运", "address": "幸福里3号楼",
        "reporter_name": "李女士", "reporter_phone": "13900139000",
    }
    body.update(overrides)
    return body


def forwarded_case(cast: Cast, platform: UpstreamPlatform, upstream_id: str = "SH12345-2026-000001") -> Case:
    """A case as the platform's call would create it, made through the service directly."""
    return svc.case_create(by=platform.user, channel="upstream", request_type=cast.complaint,
                           category=cast.sanitation, description="幸福里3号楼门口垃圾两天没人清运",
                           address="幸福里3号楼", upstream_source=platform.code, upstream_id=upstream_id)


@dataclass
class Callback:
    headers: dict[str, str]  # names in lower case
    body: bytes

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    def signature_valid(self, secret: str = SECRET) -> bool:
        expected = "sha256=" + hmac.new(secret.encode(), self.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(self.headers.get("x-huying-signature", ""), expected)


class CallbackServer:
    """The platform's callback endpoint: records every POST and answers `answer(payload)` (200 by default)."""

    def __init__(self) -> None:
        self.received: list[Callback] = []
        self.answer: Callable[[dict], int] = lambda payload: 200
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/huying/callback"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with server._lock:
                    server.received.append(Callback(headers={k.lower(): v for k, v in self.headers.items()}, body=body))
                status = server.answer(json.loads(body))
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"no")

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        return Handler

    def answer_always(self, status: int) -> None:
        self.answer = lambda payload: status

    def seen(self) -> list[tuple[str, int, str]]:
        """(upstream_id, seq, action) of every callback received, in arrival order."""
        return [(c.payload["upstream_id"], c.payload["seq"], c.payload["action"]) for c in self.received]

    def __enter__(self) -> "CallbackServer":
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
