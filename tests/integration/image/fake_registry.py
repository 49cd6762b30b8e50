#!/usr/bin/env python3
"""A misbehaving registry for crispd's image tests, in front of the lab
registry: it asks for Basic credentials, serves manifests from upstream,
and answers blob requests with a 307 redirect to another origin
(http://localhost:<port>/storage/...), where it records whether the
Authorization header followed the redirect (GET /leaks). With --stall it
sends the first bytes of every blob and then nothing; with --drop-once it
closes the connection halfway through the first download of each blob and
serves Range requests (206) afterwards."""
import argparse
import json
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STATS = {"storage_requests": 0, "with_authorization": 0, "range_requests": 0}
DROPPED = set()
LOCK = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    args = None

    def log_message(self, fmt, *a):
        sys.stderr.write("fake-registry: " + fmt % a + "\n")

    def send(self, code, body=b"", headers=None):
        self.send_response(code)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def upstream(self, path):
        req = urllib.request.Request(self.args.upstream + path)
        if self.headers.get("Accept"):
            req.add_header("Accept", self.headers["Accept"])
        return urllib.request.urlopen(req)

    def do_GET(self):
        if self.path == "/leaks":
            return self.send(200, json.dumps(STATS).encode())
        if self.path.startswith("/storage/"):
            return self.storage()
        if not self.headers.get("Authorization"):
            return self.send(401, b"{}", {"WWW-Authenticate": 'Basic realm="fake"'})
        if self.path == "/v2/":
            return self.send(200, b"{}")
        if "/blobs/" in self.path:
            port = self.server.server_address[1]
            loc = f"http://localhost:{port}/storage{self.path}"
            return self.send(307, b"", {"Location": loc})
        try:
            r = self.upstream(self.path)
        except urllib.error.HTTPError as e:
            return self.send(e.code, e.read())
        self.send(200, r.read(), {"Content-Type": r.headers["Content-Type"]})

    def storage(self):
        with LOCK:
            STATS["storage_requests"] += 1
            if self.headers.get("Authorization"):
                STATS["with_authorization"] += 1
        data = self.upstream(self.path[len("/storage"):]).read()
        if self.args.stall:
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:10])
            self.wfile.flush()
            time.sleep(3600)
            return
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            with LOCK:
                STATS["range_requests"] += 1
            return self.send(206, data[start:], {
                "Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"})
        if self.args.drop_once and self.path not in DROPPED and len(data) > 100:
            DROPPED.add(self.path)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[:len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.send(200, data, {"Content-Type": "application/octet-stream"})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--listen", required=True)
    p.add_argument("--upstream", required=True)
    p.add_argument("--stall", action="store_true")
    p.add_argument("--drop-once", action="store_true")
    Handler.args = p.parse_args()
    host, port = Handler.args.listen.rsplit(":", 1)
    ThreadingHTTPServer.daemon_threads = True
    ThreadingHTTPServer((host, int(port)), Handler).serve_forever()


if __name__ == "__main__":
    main()
