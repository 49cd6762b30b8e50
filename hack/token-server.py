#!/usr/bin/env python3
"""A small Docker registry token server (the Bearer-token flow of the
distribution spec) for the Crisp test lab. It issues RS256 JWTs that a
docker-registry configured with `auth.token` (rootcertbundle = the cert this
server writes) accepts.

  hack/token-server.py --listen 127.0.0.1:5001 --dir /var/lib/crisp-lab/token

GET  /token?service=..&scope=..  Basic auth (user/password) -> {"token": ...}
POST /token  grant_type=refresh_token&refresh_token=..   (docker's OAuth2
             identity-token flow) or grant_type=password&username=..&password=..
GET  /stats  {"issued": N} tokens issued so far (tests check token caching)

Only the Python standard library and the openssl command are used (signing
goes through `openssl dgst -sha256 -sign`).
"""
import argparse
import base64
import json
import os
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def ensure_key(directory: str) -> None:
    key, cert = os.path.join(directory, "key.pem"), os.path.join(directory, "cert.pem")
    if os.path.exists(key) and os.path.exists(cert):
        return
    os.makedirs(directory, exist_ok=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "3650",
                    "-subj", "/CN=crisp-lab-token"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.issued = 0
        der = subprocess.run(["openssl", "x509", "-in", os.path.join(args.dir, "cert.pem"),
                              "-outform", "DER"], check=True, capture_output=True).stdout
        self.x5c = base64.b64encode(der).decode()

    def sign(self, scope: str, subject: str) -> str:
        access = []
        for item in scope.split(" ") if scope else []:
            parts = item.split(":")
            if len(parts) >= 3:
                access.append({"type": parts[0], "name": ":".join(parts[1:-1]),
                               "actions": [a for a in parts[-1].split(",") if a == "pull"]})
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "x5c": [self.x5c]}
        claims = {"iss": self.args.issuer, "sub": subject, "aud": self.args.service,
                  "exp": now + self.args.expires_in, "nbf": now - 10, "iat": now,
                  "jti": str(uuid.uuid4()), "access": access}
        signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign",
                              os.path.join(self.args.dir, "key.pem")],
                             input=signing_input.encode(), check=True, capture_output=True).stdout
        with self.lock:
            self.issued += 1
        return signing_input + "." + b64url(sig)


class Handler(BaseHTTPRequestHandler):
    state: State = None

    def log_message(self, fmt, *a):
        sys.stderr.write("token-server: " + fmt % a + "\n")

    def reply(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def basic_user(self):
        h = self.headers.get("Authorization", "")
        if not h.lower().startswith("basic "):
            return None
        try:
            user, _, password = base64.b64decode(h[6:]).decode().partition(":")
        except Exception:
            return None
        a = self.state.args
        return user if (user, password) == (a.user, a.password) else None

    def do_GET(self):
        url = urllib.parse.urlparse(self.path)
        if url.path == "/stats":
            return self.reply(200, {"issued": self.state.issued})
        if url.path != "/token":
            return self.reply(404, {"error": "not found"})
        q = urllib.parse.parse_qs(url.query)
        user = self.basic_user()
        if user is None:
            return self.reply(401, {"error": "bad or missing credentials"})
        token = self.state.sign(" ".join(q.get("scope", [])), user)
        self.reply(200, {"token": token, "access_token": token,
                         "expires_in": self.state.args.expires_in,
                         "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())})

    def do_POST(self):
        if urllib.parse.urlparse(self.path).path != "/token":
            return self.reply(404, {"error": "not found"})
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        get = lambda k: form.get(k, [""])[0]
        a = self.state.args
        if get("grant_type") == "refresh_token" and get("refresh_token") == a.refresh_token:
            user = a.user
        elif get("grant_type") == "password" and (get("username"), get("password")) == (a.user, a.password):
            user = a.user
        else:
            return self.reply(401, {"error": "invalid_grant"})
        token = self.state.sign(get("scope"), user)
        self.reply(200, {"access_token": token, "expires_in": a.expires_in,
                         "refresh_token": a.refresh_token})


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--listen", default="127.0.0.1:5001")
    p.add_argument("--dir", required=True, help="holds key.pem and cert.pem (created if missing)")
    p.add_argument("--issuer", default="crisp-lab-token")
    p.add_argument("--service", default="crisp-lab-registry")
    p.add_argument("--user", default="crisp")
    p.add_argument("--password", default="crisp-secret")
    p.add_argument("--refresh-token", default="crisp-refresh-token")
    p.add_argument("--expires-in", type=int, default=300)
    args = p.parse_args()
    ensure_key(args.dir)
    Handler.state = State(args)
    host, port = args.listen.rsplit(":", 1)
    server = ThreadingHTTPServer((host, int(port)), Handler)
    print(f"token-server: listening on {args.listen}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
