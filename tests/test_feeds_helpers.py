"""What the feed tests share (no tests here): a real HTTP server on 127.0.0.1 serving the files a test writes,
the feeds it writes, and a feed pointing at them."""

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from huying.intake.models import OpinionFeed
from tests.cast import Cast

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>示范区网络问政</title><link>http://bbs.example/</link>
<item><guid>bbs-1001</guid><title>幸福里小区垃圾站臭气熏天</title>
  <description>&lt;p&gt;幸福里3号楼旁的垃圾站&lt;b&gt;一周没清&lt;/b&gt;，夏天味道很大。&lt;/p&gt;</description>
  <link>http://bbs.example/t/1001</link></item>
<item><guid>bbs-1002</guid><title>桃园路路灯不亮</title><description>晚上走路很危险</description>
  <link>http://bbs.example/t/1002</link></item>
<item><title>没有编号的帖子</title><description>只有链接能认出它</description>
  <link>http://bbs.example/t/1003</link></item>
</channel></rss>
"""

JSON = """{"code": 0, "data": {"total": 3, "list": [
  {"id": 501, "subject": "工地夜间施工扰民", "content": {"text": "东湖路工地每晚十二点后还在打桩"},
   "url": "http://weibo.example/501"},
  {"id": 502, "subject": "", "content": {"text": "公交站台顶棚漏雨"}, "url": "http://weibo.example/502"},
  {"subject": "无编号无链接", "content": {"text": "按文字认出它"}}
]}}
"""

JSON_MAPPING = {"items": "data.list", "id": "id", "title": "subject", "text": "content.text", "link": "url"}


class FeedServer:
    """Serves the files of `folder` as they are; /status/<code> answers with that HTTP status."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.requests: list[str] = []
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def write(self, name: str, text: str) -> str:
        (self.folder / name).write_text(text, encoding="utf-8")
        return self.url(name)

    def _handler(self) -> functools.partial:
        server = self

        class Handler(SimpleHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                if self.path.startswith("/status/"):
                    self.send_error(int(self.path.rsplit("/", 1)[1]))
                    return
                super().do_GET()

            def log_message(self, *args) -> None:  # keep test output quiet
                pass

        return functools.partial(Handler, directory=str(self.folder))

    def __enter__(self) -> "FeedServer":
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def feed_make(cast: Cast, url: str, **fields) -> OpinionFeed:
    """A monitored feed whose items come in as sanitation complaints."""
    values = {"name": "网络问政", "url": url, "kind": "rss", "request_type": cast.complaint,
              "category": cast.sanitation, "poll_minutes": 15} | fields
    return OpinionFeed.objects.create(**values)
