"""A local stand-in for Meta's Graph API and its webhooks, for tests and demos (these machines cannot
reach Meta). A real HTTP server on loopback (``http.server`` in a thread) that answers the calls the
client makes with the shapes Meta documents, and posts signed webhook deliveries to our endpoint.

It keeps pages (with their token, permissions and messaging setting), posts and comments (Facebook and
Instagram), checks the access token (Authorization header or ``access_token``) and ``appsecret_proof``,
pages with cursors, and fails on request: rate limits, permission errors, transient errors, deleted
comments. Every call is logged in :attr:`GraphStandin.calls`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx

from rettesnor.platforms.payload import sign
from rettesnor.platforms.settings import GRAPH_VERSION

READ = "pages_read_user_content"
ENGAGE = "pages_manage_engagement"
MESSAGING = "pages_messaging"
IG_MANAGE = "instagram_manage_comments"
POSTS = "pages_manage_posts"
IG_PUBLISH = "instagram_content_publish"
ALL_PERMISSIONS = frozenset(
    {READ, ENGAGE, MESSAGING, "pages_read_engagement", IG_MANAGE, "instagram_basic", POSTS, IG_PUBLISH}
)
# Facebook: a scheduled post is due between 10 minutes and 75 days ahead.
SCHEDULE_MIN_S, SCHEDULE_MAX_S = 600, 75 * 86400


@dataclass
class Page:
    id: str
    token: str
    name: str
    platform: str = "facebook"  # or instagram: an Instagram professional account
    messaging: bool = True
    permissions: set[str] = field(default_factory=lambda: set(ALL_PERMISSIONS))


@dataclass
class Obj:
    """A post, a comment or a reply (or an Instagram media and its comments)."""

    id: str
    page_id: str
    kind: str  # post, comment, media, ig_comment
    text: str
    from_id: str
    from_name: str
    created: int
    parent_id: str | None = None
    post_id: str | None = None
    hidden: bool = False
    deleted: bool = False
    # Publishing: a post's link and photos, a photo's or container's image, a post's scheduled time.
    link: str | None = None
    media: list[str] = field(default_factory=list)
    image: bytes | None = None
    alt: str | None = None
    published: bool = True
    scheduled: int | None = None


@dataclass
class Fault:
    method: str
    path_part: str
    code: int | None
    status: int
    times: int
    message: str
    subcode: int | None = None
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client that went away mid-request (a publisher killed in a crash test) is not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def _iso(ts: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+0000", time.gmtime(ts))


class GraphStandin:
    def __init__(self, app_secret: str = "standin-app-secret", version: str = GRAPH_VERSION) -> None:
        self.app_secret, self.version = app_secret, version
        self.pages: dict[str, Page] = {}
        self.objects: dict[str, Obj] = {}
        self.calls: list[tuple[str, str, dict[str, str]]] = []
        self.faults: list[Fault] = []
        self._ids = itertools.count(100_000_001)
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.base_url = ""

    # --- life -----------------------------------------------------------------------------------------

    def start(self) -> str:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # quiet
                return

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length).decode("utf-8") if length else ""
                status, payload, headers = standin.handle(self.command, self.path, dict(self.headers), body)
                raw = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                self.send_header("Content-Length", str(len(raw)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(raw)

            do_GET = do_POST = do_DELETE = _serve

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True, name="graph-standin").start()
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> GraphStandin:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    # --- content ------------------------------------------------------------------------------------

    def new_id(self) -> str:
        return str(next(self._ids))

    def add_page(
        self,
        name: str,
        token: str,
        *,
        platform: str = "facebook",
        messaging: bool = True,
        permissions: set[str] | None = None,
        page_id: str | None = None,
    ) -> Page:
        page = Page(
            page_id or self.new_id(), token, name, platform, messaging, set(permissions or ALL_PERMISSIONS)
        )
        self.pages[page.id] = page
        return page

    def add_post(self, page: Page, text: str, created: int | None = None) -> Obj:
        kind = "media" if page.platform == "instagram" else "post"
        pid = self.new_id() if kind == "media" else f"{page.id}_{self.new_id()}"
        obj = Obj(pid, page.id, kind, text, page.id, page.name, created or int(time.time()))
        self.objects[obj.id] = obj
        return obj

    def add_comment(
        self, parent: Obj, text: str, from_id: str, from_name: str, created: int | None = None
    ) -> Obj:
        page = self.pages[parent.page_id]
        post = parent if parent.kind in ("post", "media") else self.objects[str(parent.post_id)]
        if page.platform == "instagram":
            cid, kind = self.new_id(), "ig_comment"
        else:
            cid, kind = f"{post.id.split('_')[-1]}_{self.new_id()}", "comment"
        obj = Obj(
            cid,
            page.id,
            kind,
            text,
            from_id,
            from_name,
            created or int(time.time()),
            parent_id=parent.id,
            post_id=post.id,
        )
        self.objects[obj.id] = obj
        return obj

    def fail(
        self,
        method: str,
        path_part: str,
        code: int | None,
        *,
        status: int = 400,
        times: int = 1,
        message: str = "",
        subcode: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        """The next ``times`` calls whose method and path match fail with Meta's error ``code``."""
        self.faults.append(
            Fault(
                method,
                path_part,
                code,
                status,
                times,
                message or f"(#{code}) simulated",
                subcode,
                headers or {},
            )
        )

    # --- webhooks -----------------------------------------------------------------------------------

    def feed_change(self, obj: Obj, verb: str = "add") -> dict[str, Any]:
        """One ``changes`` item as Meta sends it for a Page feed (comment or post)."""
        value: dict[str, Any] = {
            "from": {"id": obj.from_id, "name": obj.from_name},
            "created_time": obj.created,
            "verb": verb,
        }
        if obj.kind == "comment":
            value.update(item="comment", comment_id=obj.id, post_id=obj.post_id, parent_id=obj.parent_id)
        else:
            value.update(item="status", post_id=obj.id, published=1)
        if verb in ("add", "edited", "edit"):
            value["message"] = obj.text
        return {"field": "feed", "value": value}

    def ig_change(self, obj: Obj) -> dict[str, Any]:
        value: dict[str, Any] = {
            "from": {"id": obj.from_id, "username": obj.from_name},
            "media": {"id": obj.post_id, "media_product_type": "FEED"},
            "id": obj.id,
            "text": obj.text,
        }
        if obj.parent_id != obj.post_id:
            value["parent_id"] = obj.parent_id
        return {"field": "comments", "value": value}

    def delivery(self, page: Page, changes: list[dict[str, Any]]) -> bytes:
        obj = "instagram" if page.platform == "instagram" else "page"
        payload = {"object": obj, "entry": [{"id": page.id, "time": int(time.time()), "changes": changes}]}
        return json.dumps(payload, ensure_ascii=False).encode("utf-8")

    def post_webhook(
        self,
        url: str,
        body: bytes,
        *,
        signed: bool = True,
        secret: str | None = None,
        client: httpx.Client | None = None,
    ) -> httpx.Response:
        headers = {"Content-Type": "application/json"}
        if signed:
            headers["X-Hub-Signature-256"] = sign(secret or self.app_secret, body)
        if client is not None:
            return client.post(url, content=body, headers=headers)
        return httpx.post(url, content=body, headers=headers, timeout=10)

    # --- the Graph API ------------------------------------------------------------------------------

    @staticmethod
    def _error(
        status: int,
        code: int | None,
        message: str,
        subcode: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        error: dict[str, Any] = {
            "message": message,
            "type": "OAuthException",
            "code": code,
            "fbtrace_id": base64.b64encode(hashlib.sha256(message.encode()).digest()[:9]).decode(),
        }
        if subcode is not None:
            error["error_subcode"] = subcode
        if code in (1, 2):
            error["is_transient"] = True
        return status, {"error": error}, headers or {}

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        parts = urlsplit(raw_path)
        params = dict(parse_qsl(parts.query))
        params.update(dict(parse_qsl(body)))
        with self._lock:
            self.calls.append((method, parts.path, {k: v for k, v in params.items() if k != "access_token"}))
            for fault in self.faults:
                if fault.times > 0 and fault.method == method and fault.path_part in parts.path:
                    fault.times -= 1
                    return self._error(fault.status, fault.code, fault.message, fault.subcode, fault.headers)
            return self._route(method, parts.path, params, headers)

    def _token(self, params: dict[str, str], headers: dict[str, str]) -> str:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        return auth.split(" ", 1)[1] if " " in auth else params.get("access_token", "")

    def _route(
        self, method: str, path: str, params: dict[str, str], headers: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        segments = [s for s in path.split("/") if s]
        if not segments or segments[0] != self.version or len(segments) not in (2, 3):
            return self._error(400, 2500, "Unknown path components")
        token = self._token(params, headers)
        page = next((p for p in self.pages.values() if hmac.compare_digest(p.token, token)), None)
        if page is None:
            return self._error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        proof = params.get("appsecret_proof")
        if proof is not None:
            want = hmac.new(self.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(proof, want):
                return self._error(400, 100, "Invalid appsecret_proof provided in the API argument")
        node, edge = segments[1], (segments[2] if len(segments) == 3 else None)
        if node == page.id:
            return self._page(method, page, edge, params)
        obj = self.objects.get(node)
        if obj is None or obj.deleted or obj.page_id != page.id:
            return self._error(
                400,
                100,
                f"Unsupported {method.lower()} request. Object with ID '{node}' does not "
                "exist, cannot be loaded due to missing permissions, or does not support this "
                "operation.",
                subcode=33,
            )
        return self._object(method, page, obj, edge, params)

    def _need(self, page: Page, permission: str) -> tuple[int, dict[str, Any], dict[str, str]] | None:
        if permission in page.permissions:
            return None
        return self._error(403, 200, f"(#200) This endpoint requires the '{permission}' permission")

    def _page(
        self, method: str, page: Page, edge: str | None, params: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if method == "POST" and edge in ("feed", "photos", "media", "media_publish"):
            return self._publish(page, edge, params)
        if method != "GET":
            return self._error(400, 100, "Unsupported request method")
        if edge == "scheduled_posts":
            self._release_due()
            waiting = [o for o in self.objects.values() if o.page_id == page.id and o.scheduled]
            items = sorted((o for o in waiting if not o.published and not o.deleted), key=lambda o: o.created)
            return 200, self._paged(f"/{self.version}/{page.id}/{edge}", items, params), {}
        if edge is None:
            if page.platform == "instagram":
                return 200, {"id": page.id, "username": page.name, "name": page.name}, {}
            return 200, {"id": page.id, "name": page.name, "link": f"https://www.facebook.com/{page.id}"}, {}
        if edge == "conversations":
            if MESSAGING not in page.permissions:
                return self._error(403, 10, "(#10) This endpoint requires the 'pages_messaging' permission")
            if not page.messaging:
                return self._error(400, 10904, "The page has messages disabled in the settings")
            return 200, {"data": [], "paging": {}}, {}
        if edge in ("feed", "media"):
            denied = self._need(page, READ) if page.platform == "facebook" else None
            if denied:
                return denied
            self._release_due()
            since = int(params["since"]) if params.get("since", "").isdigit() else 0
            items = sorted(
                (
                    o
                    for o in self.objects.values()
                    if o.page_id == page.id
                    and o.kind in ("post", "media")
                    and not o.deleted
                    and o.published
                    and o.created >= since
                ),
                key=lambda o: -o.created,
            )
            return 200, self._paged(f"/{self.version}/{page.id}/{edge}", items, params), {}
        return self._error(400, 2500, f"Unknown edge {edge}")

    # --- publishing -----------------------------------------------------------------------------------

    def posts(self, page: Page) -> list[Obj]:
        """The page's published posts (Facebook) or media (Instagram), oldest first."""
        self._release_due()
        mine = [o for o in self.objects.values() if o.page_id == page.id and o.kind in ("post", "media")]
        return sorted((o for o in mine if o.published and not o.deleted), key=lambda o: (o.created, o.id))

    def _release_due(self) -> None:
        now = int(time.time())
        for o in self.objects.values():
            if o.scheduled is not None and not o.published and o.scheduled <= now:
                o.published, o.created = True, o.scheduled

    def _fetch(self, url: str) -> bytes | None:
        """Meta fetches a photo given by URL; an error, a non-image answer or a timeout is a failure."""
        try:
            answer = httpx.get(url, timeout=5)
        except httpx.HTTPError:
            return None
        if answer.status_code != 200 or not answer.headers.get("content-type", "").startswith("image/"):
            return None
        return answer.content

    def _publish(
        self, page: Page, edge: str, params: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        ig = page.platform == "instagram"
        if ig != (edge in ("media", "media_publish")):
            return self._error(400, 100, f"(#100) Tried accessing nonexisting field ({edge})")
        denied = self._need(page, IG_PUBLISH if ig else POSTS)
        if denied:
            return denied
        now = int(time.time())
        if edge == "photos":
            image = self._fetch(params.get("url", "")) if params.get("url") else None
            if image is None:
                return self._error(400, 324, "(#324) Missing or invalid image file")
            photo = Obj(
                self.new_id(),
                page.id,
                "photo",
                "",
                page.id,
                page.name,
                now,
                image=image,
                alt=params.get("alt_text_custom"),
                published=params.get("published") != "false",
            )
            self.objects[photo.id] = photo
            return 200, {"id": photo.id}, {}
        if edge == "feed":
            message, link = params.get("message", ""), params.get("link")
            media = [
                json.loads(v)["media_fbid"]
                for k, v in sorted(params.items())
                if k.startswith("attached_media")
            ]
            if not message.strip() and not link and not media:
                return self._error(400, 100, "(#100) Missing message or attachment")
            if any(m not in self.objects or self.objects[m].kind != "photo" for m in media):
                return self._error(400, 100, "(#100) attached_media: the photo does not exist")
            scheduled = None
            if params.get("published") == "false" and params.get("scheduled_publish_time"):
                scheduled = int(params["scheduled_publish_time"])
                if not SCHEDULE_MIN_S <= scheduled - now <= SCHEDULE_MAX_S:
                    return self._error(400, 100, "(#100) The specified scheduled publish time is invalid.")
            post = Obj(
                f"{page.id}_{self.new_id()}",
                page.id,
                "post",
                message,
                page.id,
                page.name,
                now,
                link=link,
                media=media,
                published=scheduled is None,
                scheduled=scheduled,
            )
            self.objects[post.id] = post
            return 200, {"id": post.id}, {}
        if edge == "media":
            caption = params.get("caption", "")
            if len(caption) > 2200:
                return self._error(400, 100, "(#100) The caption is too long (2,200 characters at most)")
            if not params.get("image_url"):
                return self._error(400, 100, "(#100) The parameter image_url is required")
            image = self._fetch(params["image_url"])
            if image is None:
                return self._error(
                    400,
                    9004,
                    "Media download has failed. The media URI doesn't meet our requirements.",
                    subcode=2207052,
                )
            container = Obj(
                self.new_id(),
                page.id,
                "container",
                caption,
                page.id,
                page.name,
                now,
                image=image,
                alt=params.get("alt_text"),
                published=False,
            )
            self.objects[container.id] = container
            return 200, {"id": container.id}, {}
        container_obj = self.objects.get(params.get("creation_id", ""))
        if container_obj is None or container_obj.kind != "container" or container_obj.page_id != page.id:
            return self._error(400, 100, "(#100) The media container does not exist", subcode=2207027)
        if container_obj.published:
            return self._error(400, 9007, "The media has been published already", subcode=2207006)
        container_obj.published = True
        media_obj = Obj(
            self.new_id(),
            page.id,
            "media",
            container_obj.text,
            page.id,
            page.name,
            now,
            image=container_obj.image,
            alt=container_obj.alt,
        )
        self.objects[media_obj.id] = media_obj
        return 200, {"id": media_obj.id}, {}

    def _paged(self, path: str, items: list[Obj], params: dict[str, str]) -> dict[str, Any]:
        limit = max(1, min(100, int(params.get("limit") or 25)))
        start = int(base64.b64decode(params["after"]).decode()) if params.get("after") else 0
        chunk = items[start : start + limit]
        out: dict[str, Any] = {"data": [self._show(o) for o in chunk]}
        if chunk:
            cursors = {
                "before": base64.b64encode(str(start).encode()).decode(),
                "after": base64.b64encode(str(start + len(chunk)).encode()).decode(),
            }
            out["paging"] = {"cursors": cursors}
            if start + len(chunk) < len(items):
                query = {k: v for k, v in params.items() if k not in ("after", "appsecret_proof")}
                query.update(after=cursors["after"], access_token=self.pages[items[0].page_id].token)
                out["paging"]["next"] = f"{self.base_url}{path}?{urlencode(query)}"
        return out

    def _show(self, o: Obj) -> dict[str, Any]:
        if o.kind == "media":
            return {
                "id": o.id,
                "caption": o.text,
                "timestamp": _iso(o.created),
                "media_type": "IMAGE",
                "permalink": f"https://www.instagram.com/p/{o.id}/",
            }
        if o.kind == "ig_comment":
            out: dict[str, Any] = {
                "id": o.id,
                "text": o.text,
                "timestamp": _iso(o.created),
                "username": o.from_name,
                "from": {"id": o.from_id, "username": o.from_name},
                "hidden": o.hidden,
                "media": {"id": o.post_id},
            }
            if o.parent_id != o.post_id:
                out["parent_id"] = o.parent_id
            return out
        shown: dict[str, Any] = {
            "id": o.id,
            "message": o.text,
            "from": {"id": o.from_id, "name": o.from_name},
            "created_time": _iso(o.created),
            "permalink_url": f"https://www.facebook.com/{o.id}",
        }
        if o.kind == "comment":
            shown.update(is_hidden=o.hidden, can_hide=o.from_id != o.page_id)
            if o.parent_id != o.post_id:
                shown["parent"] = {"id": o.parent_id}
        return shown

    def _object(
        self, method: str, page: Page, obj: Obj, edge: str | None, params: dict[str, str]
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        ig = page.platform == "instagram"
        if method == "GET" and edge is None:
            denied = self._need(page, IG_MANAGE if ig else READ)
            return denied or (200, self._show(obj), {})
        if method == "GET" and edge in ("comments", "replies"):
            denied = self._need(page, IG_MANAGE if ig else READ)
            if denied:
                return denied
            if ig:
                items = [o for o in self.objects.values() if o.parent_id == obj.id and not o.deleted]
            else:  # filter=stream: the replies too, in time order
                items = [
                    o
                    for o in self.objects.values()
                    if o.post_id == obj.id and o.kind == "comment" and not o.deleted
                ]
            items.sort(key=lambda o: (o.created, o.id))
            return 200, self._paged(f"/{self.version}/{obj.id}/{edge}", items, params), {}
        denied = self._need(page, IG_MANAGE if ig else ENGAGE)
        if denied:
            return denied
        if method == "POST" and edge is None and obj.kind == "post" and "message" in params:
            denied = self._need(page, POSTS)
            if denied:
                return denied
            obj.text = params["message"]
            return 200, {"success": True}, {}
        if method == "POST" and edge is None and ("is_hidden" in params or "hide" in params):
            if obj.kind not in ("comment", "ig_comment"):
                return self._error(400, 100, "(#100) Only comments can be hidden")
            obj.hidden = (params.get("is_hidden") or params.get("hide")) == "true"
            return 200, {"success": True}, {}
        if method == "DELETE" and edge is None:
            obj.deleted = True
            return 200, {"success": True}, {}
        if method == "POST" and edge in ("comments", "replies") and params.get("message"):
            reply = self.add_comment(obj, params["message"], page.id, page.name)
            return 200, {"id": reply.id}, {}
        return self._error(400, 100, "(#100) Invalid parameter")
