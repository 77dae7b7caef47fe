"""A small webhook receiver for trying CareDesk's webhooks: checks each signature and prints the event.

    python scripts/webhook_receiver.py --secret caredesk-demo-webhook-secret --port 8765

Only the standard library and nothing from CareDesk, so `verify` below is also how any receiver checks a
request: HMAC-SHA256 with the endpoint's secret over "<CareDesk-Timestamp>.<raw body>", compared in
constant time with the `v1=` value of `CareDesk-Signature`, and refused when the timestamp is more than five
minutes away (a replayed request). Answer 2xx quickly; anything else (or no answer within a few seconds) is
retried with the same `CareDesk-Event-Id`, so drop an id already seen. `make run` does not need this.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(secret: str, timestamp: str, body: bytes, signature: str, tolerance: int = 300) -> bool:
    """Return True when `signature` (the CareDesk-Signature header) signs this body at this timestamp."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"v1={expected}", signature)


def handler_for(secret: str) -> type[BaseHTTPRequestHandler]:
    seen: set[str] = set()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            timestamp = self.headers.get("CareDesk-Timestamp", "")
            if not verify(secret, timestamp, body, self.headers.get("CareDesk-Signature", "")):
                print("Refused: the signature does not match (or the timestamp is too old).", flush=True)
                self.send_response(401)
                self.end_headers()
                return
            event_id = self.headers.get("CareDesk-Event-Id", "")
            if event_id in seen:
                print(f"Duplicate of {event_id}: already handled, dropped.", flush=True)
            else:
                seen.add(event_id)
                event = json.loads(body)
                print(json.dumps(event, indent=2, ensure_ascii=False), flush=True)
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass  # the events are printed instead

    return Receiver


def main() -> None:
    parser = argparse.ArgumentParser(description="Receive CareDesk webhooks, check their signature, print them.")
    parser.add_argument("--secret", required=True, help="the endpoint's signing secret (on its page in CareDesk)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    options = parser.parse_args()
    server = ThreadingHTTPServer((options.host, options.port), handler_for(options.secret))
    print(f"Listening on http://{options.host}:{options.port}/ (Ctrl-C stops it)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
