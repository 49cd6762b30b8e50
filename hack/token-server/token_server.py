#!/usr/bin/env python3
"""Bearer token server of the lab's token-auth registry (hack/registry.sh
start-token): the token flow of the distribution spec, standard library only,
RS256 signatures made by `openssl dgst`.

  token_server.py --listen 127.0.0.1:5001 --key KEY.pem --cert CERT.pem

GET  /token?service=S&scope=repository:NAME:pull[&offline_token=true]
     with Basic auth (crisp / crisp-secret)      -> {"token": JWT, ...}
POST /token  grant_type=password&username=..&password=..  or
             grant_type=refresh_token&refresh_token=..      (OAuth2 flow)
GET  /healthz  "ok";  GET /stats  {"issued": N}

The JWT's `kid` is the libtrust key id of CERT's public key, as
docker-registry's `auth.token.rootcertbundle` = CERT expects. Requests
without valid credentials get 401.
"""
import argparse
import base64
import hashlib
import json
import subprocess
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ACTIONS = {"pull", "push", "delete", "*"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def libtrust_kid(cert: str) -> str:
    """base32 of the first 240 bits of sha256(SubjectPublicKeyInfo DER), in
    12 colon-separated groups of 4 characters."""
    pem = subprocess.run(["openssl", "x509", "-in", cert, "-pubkey", "-noout"],
                         check=True, capture_output=True).stdout
    der = subprocess.run(["openssl", "pkey", "-pubin", "-outform", "DER"], input=pem,
                         check=True, capture_output=True).stdout
    b32 = base64.b32encode(hashlib.sha256(der).digest()[:30]).decode().rstrip("=")
    return ":".join(b32[i:i + 4] for i in range(0, len(b32), 4))


def parse_scopes(values):
    """["repository:a/b:pull,push", ...] -> access claims (known actions)."""
    access = []
    for value in values:
        for scope in value.split():
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            granted = [a for a in actions.split(",") if a in ACTIONS]
            if kind and name:
                access.append({"type": kind, "name": name, "actions": granted})
    return access


class Issuer:
    def __init__(self, args):
        self.args = args
        self.kid = libtrust_kid(args.cert)
        self.lock = threading.Lock()
        self.issued = 0

    def sign(self, data: bytes) -> bytes:
        return subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.args.key],
                              input=data, check=True, capture_output=True).stdout

    def token(self, subject: str, service: str, access) -> dict:
        now = int(time.time())
        header = {"typ": "JWT", "alg": "RS256", "kid": self.kid}
        claims = {"iss": self.args.issuer, "sub": subject, "aud": service,
                  "iat": now, "nbf": now - 10, "exp": now + self.args.ttl,
                  "jti": uuid.uuid4().hex, "access": access}
        signing_input = (b64url(json.dumps(header).encode()) + "." +
                         b64url(json.dumps(claims).encode())).encode()
        jwt = signing_input.decode() + "." + b64url(self.sign(signing_input))
        with self.lock:
            self.issued += 1
        return {"token": jwt, "access_token": jwt, "expires_in": self.args.ttl,
                "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now))}


class Handler(BaseHTTPRequestHandler):
    server_version = "crisp-lab-token/1"

    def reply(self, code: int, body, headers=None):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json" if not isinstance(body, bytes)
                         else "text/plain")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def unauthorized(self):
        self.reply(401, {"errors": [{"code": "UNAUTHORIZED",
                                     "message": "credentials required"}]},
                   {"WWW-Authenticate": 'Basic realm="crisp-lab-token"'})

    def basic_user(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
        except ValueError:
            return None
        a = self.server.issuer.args
        return user if (user, password) == (a.user, a.password) else None

    def grant(self, user, service, scopes, offline):
        answer = self.server.issuer.token(user, service, parse_scopes(scopes))
        if offline:
            answer["refresh_token"] = self.server.issuer.args.refresh_token
        self.reply(200, answer)

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        if url.path == "/healthz":
            return self.reply(200, b"ok\n")
        if url.path == "/stats":
            return self.reply(200, {"issued": self.server.issuer.issued})
        if url.path != "/token":
            return self.reply(404, {"errors": [{"code": "NOT_FOUND"}]})
        user = self.basic_user()
        if user is None:
            return self.unauthorized()
        self.grant(user, query.get("service", [""])[0], query.get("scope", []),
                   query.get("offline_token", [""])[0] == "true")

    def do_POST(self):
        if urllib.parse.urlsplit(self.path).path != "/token":
            return self.reply(404, {"errors": [{"code": "NOT_FOUND"}]})
        length = int(self.headers.get("Content-Length", "0"))
        form = urllib.parse.parse_qs(self.rfile.read(length).decode())
        field = lambda k: form.get(k, [""])[0]
        a = self.server.issuer.args
        if field("grant_type") == "password":
            ok = (field("username"), field("password")) == (a.user, a.password)
            offline = field("access_type") == "offline"
        elif field("grant_type") == "refresh_token":
            ok = field("refresh_token") == a.refresh_token
            offline = True
        else:
            return self.reply(400, {"error": "unsupported_grant_type"})
        if not ok:
            return self.reply(401, {"error": "invalid_grant"})
        self.grant(a.user, field("service"), form.get("scope", []), offline)


def main():
    p = argparse.ArgumentParser(description="crisp lab token server")
    p.add_argument("--listen", default="127.0.0.1:5001")
    p.add_argument("--key", required=True, help="PEM RSA private key")
    p.add_argument("--cert", required=True, help="PEM certificate of that key")
    p.add_argument("--issuer", default="crisp-lab-token")
    p.add_argument("--user", default="crisp")
    p.add_argument("--password", default="crisp-secret")
    p.add_argument("--refresh-token", default="crisp-lab-refresh-token")
    p.add_argument("--ttl", type=int, default=300)
    args = p.parse_args()
    host, _, port = args.listen.rpartition(":")
    server = ThreadingHTTPServer((host, int(port)), Handler)
    server.issuer = Issuer(args)
    server.serve_forever()


if __name__ == "__main__":
    main()
