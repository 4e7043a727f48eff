"""An HTTP proxy that holds every request for a fixed time before passing it to a local server.

benches/accounts_moto.sh puts it in front of moto: moto answers in about a millisecond from the
same machine, while IAM's endpoint answers in tens of milliseconds, and what concurrency across
accounts buys is overlapping those waits. The delay is added once per request, before it is
forwarded; requests are served on threads of their own, so waits overlap as they would on a
network.

    python3 benches/latency_proxy.py UPSTREAM_URL DELAY_MS   prints its own URL, serves forever
"""

import http.client
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

UPSTREAM = urllib.parse.urlsplit(sys.argv[1])
DELAY = float(sys.argv[2]) / 1000.0
LOCAL = threading.local()


def upstream():
    """One keep-alive connection to the upstream server per serving thread."""
    if getattr(LOCAL, "conn", None) is None:
        LOCAL.conn = http.client.HTTPConnection(UPSTREAM.hostname, UPSTREAM.port, timeout=60)
    return LOCAL.conn


class Delayed(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def forward(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(DELAY)
        headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}
        for attempt in range(2):
            try:
                conn = upstream()
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                data = answer.read()
                break
            except (http.client.HTTPException, OSError):
                LOCAL.conn = None  # the upstream closed its end: reconnect once
                if attempt:
                    raise
        self.send_response(answer.status)
        for key, value in answer.getheaders():
            if key.lower() not in ("connection", "transfer-encoding", "content-length"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = forward

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Delayed)
server.daemon_threads = True
print(f"http://127.0.0.1:{server.server_address[1]}", flush=True)
server.serve_forever()
