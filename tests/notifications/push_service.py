"""A push service on 127.0.0.1 that checks each request the way a browser's would, for the tests and
``bench/push_delivery.py``.

It answers ``POST /push/<id>``. Each request is checked: the VAPID ``Authorization: vapid t=<jwt>,
k=<key>`` header (ES256 signature by the expected server key, ``aud`` this service's origin, ``exp``
in the next 24 hours, ``sub`` a ``mailto:`` or ``https:`` address), a whole-number ``TTL`` and
``Content-Encoding: aes128gcm``; the body is decrypted with the subscription's private key. What it
received is kept in :attr:`PushService.received`, what was wrong in :attr:`PushService.problems`
(answered with 400). A test scripts the answers per subscription (:meth:`answer`) and can hold a
request open until released (:meth:`hold`), to kill a worker in the middle of a send.
"""

from __future__ import annotations

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Optional

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

DAY = 24 * 3600


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Subscriber:
    """A browser's side of a subscription: its P-256 key pair and 16-byte auth secret."""

    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def json(self) -> dict:
        """``PushSubscription.toJSON()``: what the PWA posts to ``/api/push/subscriptions``."""
        point = self.private_key.public_key().public_bytes(serialization.Encoding.X962,
                                                           serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(point), "auth": b64url(self.auth)}}


@dataclass
class Received:
    subscriber_id: str
    status: int
    ttl: Optional[int]
    claims: dict
    payload: Optional[dict]
    headers: dict


def verify_vapid(header: str, expected_key: Optional[str], audience: str, now: float) -> tuple[dict, list[str]]:
    """The claims of a ``vapid t=..., k=...`` header and what is wrong with it."""
    problems: list[str] = []
    scheme, _, rest = header.partition(" ")
    if scheme.lower() != "vapid":
        return {}, [f"Authorization scheme {scheme!r}, not vapid"]
    parts = dict(p.strip().split("=", 1) for p in rest.split(",") if "=" in p)
    token, key = parts.get("t", ""), parts.get("k", "")
    if expected_key is not None and key != expected_key:
        problems.append("k is not the server's VAPID public key")
    try:
        head, body, signature = token.split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        raw = unb64url(signature)
        public.verify(encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big")),
                      f"{head}.{body}".encode(), ec.ECDSA(hashes.SHA256()))
        header_json, claims = json.loads(unb64url(head)), json.loads(unb64url(body))
    except (ValueError, InvalidSignature) as exc:
        return {}, problems + [f"bad VAPID token: {exc!r}"]
    if header_json.get("alg") != "ES256":
        problems.append(f"alg {header_json.get('alg')!r}")
    if claims.get("aud") != audience:
        problems.append(f"aud {claims.get('aud')!r}, not {audience!r}")
    exp = claims.get("exp")
    if not isinstance(exp, int) or not now < exp <= now + DAY:
        problems.append(f"exp {exp!r} not within 24 h of {int(now)}")
    sub = str(claims.get("sub", ""))
    if not (sub.startswith("mailto:") or sub.startswith("https:")):
        problems.append(f"sub {sub!r}")
    return claims, problems


class PushService:
    """Start with :meth:`start` (or as a context manager); ``endpoint(id)`` names a subscription on it."""

    def __init__(self, now: Callable[[], float], vapid_public_key: Optional[str] = None,
                 max_ttl: int = 7 * DAY, decrypt: bool = True) -> None:
        self.now = now  # the sending server's clock: exp is checked against it
        self.vapid_public_key = vapid_public_key
        self.max_ttl = max_ttl
        self.decrypt = decrypt
        self.subscribers: dict[str, Subscriber] = {}
        self.received: list[Received] = []
        self.problems: list[str] = []
        self.arrived = threading.Condition()
        self._answers: dict[str, list] = {}
        self._holds: dict[str, threading.Event] = {}
        self._held: set[str] = set()
        self._closing = threading.Event()
        self.server: Optional[ThreadingHTTPServer] = None

    # --- set-up -----------------------------------------------------------------------------------
    def start(self) -> "PushService":
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive: the worker reuses connections

            def log_message(self, *args):
                pass

            def do_POST(self):
                expected = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(expected)
                if len(body) < expected:
                    # The sender went away mid-request (a worker killed while sending): nothing arrived,
                    # as at a real push service, and there is no one to answer.
                    self.close_connection = True
                    return
                status, headers = service._handle(self.path, dict(self.headers.items()), body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.request_queue_size = 128
        threading.Thread(target=self.server.serve_forever, name="push-service", daemon=True).start()
        return self

    def stop(self) -> None:
        self._closing.set()
        for event in self._holds.values():
            event.set()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()

    def __enter__(self) -> "PushService":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def subscriber(self, id: Optional[str] = None) -> Subscriber:
        id = id or b64url(os.urandom(9))
        sub = Subscriber(id=id, endpoint=f"{self.origin}/push/{id}")
        self.subscribers[id] = sub
        return sub

    def answer(self, subscriber: Subscriber, *answers) -> None:
        """The next answers for this subscriber: ``201`` or ``(503, {"Retry-After": "30"})``; 201 after."""
        self._answers.setdefault(subscriber.id, []).extend(answers)

    def hold(self, subscriber: Subscriber) -> threading.Event:
        """Hold this subscriber's next request open until the returned event is set."""
        event = threading.Event()
        self._holds[subscriber.id] = event
        return event

    # --- what happened ----------------------------------------------------------------------------
    def to(self, subscriber: Subscriber) -> list[Received]:
        return [r for r in self.received if r.subscriber_id == subscriber.id]

    def wait_for(self, condition: Callable[["PushService"], bool], timeout: float = 60) -> bool:
        with self.arrived:
            return self.arrived.wait_for(lambda: condition(self), timeout=timeout)

    def is_holding(self, subscriber: Subscriber) -> bool:
        return subscriber.id in self._held

    # --- a request --------------------------------------------------------------------------------
    def _handle(self, path: str, headers: dict, body: bytes) -> tuple[int, dict]:
        headers = {k.lower(): v for k, v in headers.items()}
        sub_id = path.rsplit("/", 1)[-1]
        sub = self.subscribers.get(sub_id)
        if not path.startswith("/push/") or sub is None:
            return 404, {}
        problems: list[str] = []
        claims, vapid_problems = verify_vapid(headers.get("authorization", ""), self.vapid_public_key, self.origin,
                                              self.now())
        problems += vapid_problems
        ttl = None
        try:
            ttl = int(headers.get("ttl", ""))
            if not 0 < ttl <= self.max_ttl:
                problems.append(f"TTL {ttl} outside 1..{self.max_ttl}")
        except ValueError:
            problems.append(f"TTL header {headers.get('ttl')!r}")
        if headers.get("content-encoding") != "aes128gcm":
            problems.append(f"Content-Encoding {headers.get('content-encoding')!r}")
        payload = None
        if self.decrypt and not problems:
            try:
                payload = json.loads(http_ece.decrypt(body, private_key=sub.private_key, auth_secret=sub.auth,
                                                      version="aes128gcm"))
            except Exception as exc:  # noqa: BLE001 - any failure to decrypt is the finding
                problems.append(f"cannot decrypt: {exc!r}")
        hold = self._holds.pop(sub_id, None)
        if hold is not None:
            with self.arrived:
                self._held.add(sub_id)
                self.arrived.notify_all()
            hold.wait()
            with self.arrived:
                self._held.discard(sub_id)
        with self.arrived:
            queued = self._answers.get(sub_id)
            answer = queued.pop(0) if queued else 201
            status, extra = (answer, {}) if isinstance(answer, int) else answer
            if problems:
                status, extra = 400, {}
                self.problems.extend(f"{sub_id}: {p}" for p in problems)
            self.received.append(Received(sub_id, status, ttl, claims, payload, headers))
            self.arrived.notify_all()
        return status, extra
