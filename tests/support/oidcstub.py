"""A small OpenID Connect provider for the tests, served over real HTTP on loopback.

Discovery, a JWKS, an authorize endpoint that redirects back at once with a code (the person "signs in"
as ``provider.person``), and a token endpoint that checks the client's secret, the redirect URI and the
PKCE verifier, and issues an RS256-signed ``id_token``. ``provider.tamper`` changes one claim of the next
id_token (a wrong nonce, audience, issuer …) to prove that the application refuses it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "rettesnor-test"
CLIENT_SECRET = "stub-secret-" + "s" * 20


@dataclass
class Provider:
    port: int = 0
    key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048, parameters={"kid": "stub-1"}))
    person: dict[str, Any] = field(default_factory=dict)  # the claims of whoever signs in next
    tamper: dict[str, Any] = field(default_factory=dict)  # claims overridden in the next id_token
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def discovery(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
        }

    def id_token(self, nonce: str) -> str:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            **self.person,
            **self.tamper,
        }
        self.tamper = {}
        return jwt.encode({"alg": "RS256", "kid": "stub-1"}, claims, self.key)


def _handler(p: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def _json(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            if url.path == "/.well-known/openid-configuration":
                self._json(200, p.discovery())
            elif url.path == "/jwks":
                self._json(200, {"keys": [p.key.as_dict(private=False)]})
            elif url.path == "/authorize":
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                p.authorize_requests.append(q)
                if q.get("client_id") != CLIENT_ID or q.get("response_type") != "code":
                    self._json(400, {"error": "invalid_request"})
                    return
                code = secrets.token_urlsafe(16)
                p.codes[code] = {
                    "nonce": q.get("nonce", ""),
                    "challenge": q.get("code_challenge"),
                    "method": q.get("code_challenge_method"),
                    "redirect_uri": q["redirect_uri"],
                }
                self.send_response(302)
                self.send_header(
                    "Location", f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
                )
                self.send_header("Content-Length", "0")
                self.end_headers()
            else:
                self._json(404, {"error": "not_found"})

        def do_POST(self) -> None:
            if urlsplit(self.path).path != "/token":
                self._json(404, {"error": "not_found"})
                return
            length = int(self.headers.get("Content-Length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            p.token_requests.append(form)
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {basic}":
                self._json(401, {"error": "invalid_client"})
                return
            grant = p.codes.pop(form.get("code", ""), None)
            if grant is None or form.get("grant_type") != "authorization_code":
                self._json(400, {"error": "invalid_grant"})
                return
            verifier = form.get("code_verifier", "")
            digest = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            )
            if grant["method"] != "S256" or digest != grant["challenge"]:
                self._json(400, {"error": "invalid_grant", "error_description": "PKCE verification failed"})
                return
            if form.get("redirect_uri") != grant["redirect_uri"]:
                self._json(400, {"error": "invalid_grant", "error_description": "redirect_uri"})
                return
            self._json(
                200,
                {
                    "access_token": secrets.token_urlsafe(24),
                    "token_type": "Bearer",
                    "expires_in": 300,
                    "id_token": p.id_token(grant["nonce"]),
                },
            )

    return Handler


class Running:
    """``with Running() as provider:`` a provider on a free loopback port, stopped at the end."""

    def __init__(self) -> None:
        self.provider = Provider()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.provider))
        self.provider.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Provider:
        self.thread.start()
        return self.provider

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
