"""A stand-in for an Entra ID tenant in tests: RSA signing keys, tokens minted with them, and
the tenant's key set served over HTTPS from 127.0.0.1 with a self-signed certificate."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
OTHER_TENANT = "11111111-2222-3333-4444-555555555555"
AUDIENCE = "api://coordinator"
ISSUER_V2 = f"https://login.microsoftonline.com/{TENANT}/v2.0"
ISSUER_V1 = f"https://sts.windows.net/{TENANT}/"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class SigningKey:
    """An RSA key pair and the key id the tenant publishes it under."""

    kid: str
    private: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )

    def jwk(self) -> dict[str, Any]:
        public = jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key(), as_dict=True)
        return {**public, "kid": self.kid, "use": "sig"}

    def public_pem(self) -> bytes:
        return self.private.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def claims(**overrides: Any) -> dict[str, Any]:
    """The claims of a valid v2 access token of a signed-in user; `None` removes a claim."""
    now = int(time.time())
    base: dict[str, Any] = {
        "iss": ISSUER_V2,
        "aud": AUDIENCE,
        "tid": TENANT,
        "oid": "00000000-0000-0000-0000-0000000000aa",
        "name": "Ada Lovelace",
        "preferred_username": "ada@contoso.example",
        "azp": "client-app",
        "roles": ["Coordinator.Operator"],
        "iat": now - 10,
        "nbf": now - 10,
        "exp": now + 3600,
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def mint(key: SigningKey, payload: dict[str, Any] | None = None, **header: Any) -> str:
    """An RS256 token signed by `key`, its kid in the header unless `header` says otherwise
    (`kid=None` leaves it out)."""
    headers = {k: v for k, v in {"kid": key.kid, **header}.items() if v is not None}
    return jwt.encode(payload or claims(), key.private, algorithm="RS256", headers=headers)


def mint_unsafe(alg: str, payload: dict[str, Any], secret: bytes, kid: str) -> str:
    """A token PyJWT refuses to make: `alg: none`, or HMAC keyed with a public key."""
    header = b64url(json.dumps({"alg": alg, "typ": "JWT", "kid": kid}).encode())
    body = b64url(json.dumps(payload).encode())
    signing_input = f"{header}.{body}".encode()
    if alg == "none":
        return f"{header}.{body}."
    signature = hmac.new(secret, signing_input, hashlib.sha256).digest()
    return f"{header}.{body}.{b64url(signature)}"


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and localhost and its key, written into `directory`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "jwks-cert.pem", directory / "jwks-key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@dataclass
class JwksServer:
    """The tenant's key endpoint: serves `keys`, counts fetches, trusted via `ssl_context`."""

    url: str
    ssl_context: ssl.SSLContext
    keys: list[dict[str, Any]]
    fetches: int = 0


@contextmanager
def serve_jwks(certificate: tuple[Path, Path], keys: list[dict[str, Any]]) -> Iterator[JwksServer]:
    """Serves `keys` at https://127.0.0.1:<port>/discovery/v2.0/keys until the block ends,
    with the certificate and key files `certificate`."""
    cert_path, key_path = certificate
    state = JwksServer(url="", ssl_context=ssl.create_default_context(cafile=cert_path), keys=keys)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.fetches += 1
            body = json.dumps({"keys": state.keys}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert_path, key_path)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    state.url = f"https://127.0.0.1:{server.server_address[1]}/discovery/v2.0/keys"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
