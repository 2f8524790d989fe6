"""Load generator for the otelstack smoke test: sends each request of traffic.json ROUNDS times
and fails when an answer has an unexpected status."""

from __future__ import annotations

import json
import os
import sys
import time
import urllib.error
import urllib.request


def call(base: str, method: str, path: str) -> int:
    data = b"{}" if method in ("POST", "PUT", "PATCH") else None
    request = urllib.request.Request(base + path, method=method, data=data, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def run(base: str, traffic: list[dict], rounds: int, interval: float) -> int:
    failures = 0
    for round_number in range(1, rounds + 1):
        for entry in traffic:
            try:
                status = call(base, entry["method"], entry["path"])
            except (urllib.error.URLError, OSError) as error:
                print(f"round {round_number}: {entry['method']} {entry['path']}: {error}", flush=True)
                failures += 1
                continue
            verdict = "ok" if status == entry["status"] else f"expected {entry['status']}"
            failures += status != entry["status"]
            print(f"round {round_number}: {entry['method']} {entry['path']} -> {status} {verdict}", flush=True)
        time.sleep(interval)
    return failures


def main() -> int:
    base = os.environ["TARGET_URL"].rstrip("/")
    with open(os.environ.get("TRAFFIC_FILE", "/app/traffic.json"), encoding="utf-8") as handle:
        traffic = json.load(handle)
    failures = run(base, traffic, int(os.environ.get("ROUNDS", "1")), float(os.environ.get("INTERVAL_SECONDS", "0")))
    print(f"load: {failures} unexpected answers", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
