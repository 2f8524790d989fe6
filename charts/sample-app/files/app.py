"""Sample HTTP service for the otelstack smoke test. Standard library only, no instrumentation:
Beyla traces it from outside the process with eBPF.

Routes:
  GET  /health       200  liveness and readiness
  GET  /items/<id>   200  {"id": <id>}
  POST /items        201  {"created": true}
  GET  /error        500  a deliberate server error
  anything else      404
"""

from __future__ import annotations

import json
import os
import re
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ITEM = re.compile(r"^/items/([A-Za-z0-9_-]+)$")


class Handler(BaseHTTPRequestHandler):
    server_version = "sample-app/1.0"

    def _send(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        path = self.path.split("?", 1)[0]
        if path == "/health":
            self._send(200, {"status": "ok"})
        elif match := ITEM.match(path):
            self._send(200, {"id": match.group(1)})
        elif path == "/error":
            self._send(500, {"error": "deliberate failure"})
        else:
            self._send(404, {"error": "not found"})

    def do_POST(self) -> None:  # noqa: N802
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        if self.path.split("?", 1)[0] == "/items":
            self._send(201, {"created": True})
        else:
            self._send(404, {"error": "not found"})

    def log_message(self, format: str, *args) -> None:
        sys.stdout.write("%s %s\n" % (self.address_string(), format % args))
        sys.stdout.flush()


def main() -> None:
    port = int(os.environ.get("PORT", "8080"))
    server = ThreadingHTTPServer(("0.0.0.0", port), Handler)
    print(f"sample-app listening on :{port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
