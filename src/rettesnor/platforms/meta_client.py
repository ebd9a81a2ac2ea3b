"""Meta's Graph API over httpx: Page feed and comments with paging, one comment before any action, hide,
unhide, delete, reply; Instagram comments; the Page's settings.

The version is pinned (``PlatformSettings.graph_version``) and the base URL is a setting, so tests talk to
the stand-in on loopback. Rate limits (codes 4, 17, 32, 613, 80001–80014, HTTP 429) and transient errors
(codes 1, 2, ``is_transient``, HTTP 5xx, no connection) are retried with exponential backoff; permission
and token errors (10, 200–299, 190) are not. Every error becomes a :class:`GraphError` whose
:meth:`~GraphError.message` tells the moderator what happened and what to do, in da, nb, sv or en.
The access token travels in the Authorization header (never in a URL, so never in a log line), with
``appsecret_proof`` when the app secret is known.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import re
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from rettesnor.item import PAGE_LANGUAGES
from rettesnor.moderation.platform import PlatformError
from rettesnor.platforms.settings import PlatformSettings

RATE_LIMIT_CODES = frozenset({4, 17, 32, 613, *range(80001, 80015)})
TRANSIENT_CODES = frozenset({1, 2})
TOKEN_CODES = frozenset({102, 190, 463, 467})
PERMISSION = re.compile(r"\b((?:pages|instagram|business|read|publish)_[a-z_]+)\b")
KINDS = ("rate_limit", "transient", "unreachable", "permission", "token", "not_found", "invalid")
RETRIED = frozenset({"rate_limit", "transient", "unreachable"})

FB_COMMENT_FIELDS = (
    "id,message,from{id,name},created_time,parent{id},attachment,is_hidden,can_hide,permalink_url"
)
FB_POST_FIELDS = "id,message,from{id,name},created_time,permalink_url,attachments"
IG_COMMENT_FIELDS = "id,text,timestamp,username,from,hidden,parent_id,media{id}"

MESSAGES: dict[str, dict[str, str]] = {
    "rate_limit": {
        "en": "Meta is limiting calls for this page right now (error {code}); try again in a few minutes.",
        "da": "Meta begrænser kald for denne side lige nu (fejl {code}); prøv igen om et par minutter.",
        "nb": "Meta begrenser kall for denne siden akkurat nå (feil {code}); prøv igjen om noen minutter.",
        "sv": "Meta begränsar anrop för den här sidan just nu (fel {code}); försök igen om några minuter.",
    },
    "transient": {
        "en": "Meta had a temporary error (error {code}); try again.",
        "da": "Meta havde en midlertidig fejl (fejl {code}); prøv igen.",
        "nb": "Meta hadde en midlertidig feil (feil {code}); prøv igjen.",
        "sv": "Meta hade ett tillfälligt fel (fel {code}); försök igen.",
    },
    "unreachable": {
        "en": "Meta's Graph API could not be reached; nothing was changed on the platform. Try again.",
        "da": "Metas Graph API kunne ikke nås; intet blev ændret på platformen. Prøv igen.",
        "nb": "Metas Graph API kunne ikke nås; ingenting ble endret på plattformen. Prøv igjen.",
        "sv": "Metas Graph API gick inte att nå; inget ändrades på plattformen. Försök igen.",
    },
    "permission": {
        "en": "The app lacks the permission {permission} for this page (error {code}); a page administrator "
        "must connect the page again and grant it.",
        "da": "Appen mangler tilladelsen {permission} til denne side (fejl {code}); en administrator af "
        "siden skal forbinde siden igen og give den.",
        "nb": "Appen mangler tillatelsen {permission} for denne siden (feil {code}); en administrator av "
        "siden må koble til siden på nytt og gi den.",
        "sv": "Appen saknar behörigheten {permission} för den här sidan (fel {code}); en administratör för "
        "sidan måste ansluta sidan igen och ge den.",
    },
    "token": {
        "en": "The page's access token is no longer valid (expired or revoked, error {code}); connect the "
        "page again with a new token.",
        "da": "Sidens adgangstoken er ikke længere gyldig (udløbet eller tilbagekaldt, fejl {code}); forbind "
        "siden igen med et nyt token.",
        "nb": "Sidens tilgangstoken er ikke lenger gyldig (utløpt eller tilbakekalt, feil {code}); koble til "
        "siden på nytt med et nytt token.",
        "sv": "Sidans åtkomsttoken är inte längre giltig (har gått ut eller återkallats, fel {code}); anslut "
        "sidan igen med en ny token.",
    },
    "not_found": {
        "en": "The message no longer exists on the platform (deleted by its author or by Meta).",
        "da": "Beskeden findes ikke længere på platformen (slettet af forfatteren eller af Meta).",
        "nb": "Meldingen finnes ikke lenger på plattformen (slettet av forfatteren eller av Meta).",
        "sv": "Meddelandet finns inte längre på plattformen (raderat av författaren eller av Meta).",
    },
    "invalid": {
        "en": "Meta refused the request (error {code}): {detail}",
        "da": "Meta afviste forespørgslen (fejl {code}): {detail}",
        "nb": "Meta avviste forespørselen (feil {code}): {detail}",
        "sv": "Meta avvisade begäran (fel {code}): {detail}",
    },
}
ANY_PERMISSION = {"en": "needed", "da": "der kræves", "nb": "som kreves", "sv": "som krävs"}


class GraphError(PlatformError):
    """A refusal or failure of the Graph API, classified; ``str()`` is the English moderator message."""

    def __init__(
        self,
        kind: str,
        code: int | None = None,
        status: int | None = None,
        detail: str = "",
        subcode: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.kind, self.code, self.status, self.subcode = kind, code, status, subcode
        self.detail, self.retry_after = detail[:300], retry_after
        found = PERMISSION.search(detail)
        self.permission = found.group(1) if found else None
        super().__init__(self.message("en"))

    @property
    def retryable(self) -> bool:
        return self.kind in RETRIED

    def message(self, lang: str = "en") -> str:
        lang = lang if lang in PAGE_LANGUAGES else "en"
        permission = self.permission or ANY_PERMISSION[lang]
        code = self.code if self.code is not None else self.status
        return MESSAGES[self.kind][lang].format(code=code, permission=permission, detail=self.detail)


def classify(status: int, payload: Any, headers: httpx.Headers | None = None) -> GraphError:
    """The error of an answer that is not a success."""
    error = payload.get("error") if isinstance(payload, dict) else None
    error = error if isinstance(error, dict) else {}
    code = error.get("code") if isinstance(error.get("code"), int) else None
    subcode = error.get("error_subcode") if isinstance(error.get("error_subcode"), int) else None
    detail = str(error.get("message") or f"HTTP {status}")
    retry_after = _retry_after(headers) if headers is not None else None
    if status == 429 or code in RATE_LIMIT_CODES:
        kind = "rate_limit"
    elif code in TOKEN_CODES:
        kind = "token"
    elif code == 10 or (code is not None and 200 <= code <= 299):
        kind = "permission"
    elif (code == 100 and subcode == 33) or (status == 404 and code in (None, 100, 803)):
        kind = "not_found"
    elif code in TRANSIENT_CODES or error.get("is_transient") is True or status >= 500:
        kind = "transient"
    else:
        kind = "invalid"
    return GraphError(kind, code, status, detail, subcode, retry_after)


def _retry_after(headers: httpx.Headers) -> float | None:
    """Seconds Meta asks us to wait: Retry-After, or estimated_time_to_regain_access (minutes) in the
    business-use-case usage header."""
    value = headers.get("retry-after")
    if value and value.strip().isdigit():
        return float(value.strip())
    usage = headers.get("x-business-use-case-usage")
    if usage:
        try:
            data = json.loads(usage)
        except ValueError:
            return None
        minutes = [
            float(u.get("estimated_time_to_regain_access") or 0)
            for entries in (data.values() if isinstance(data, dict) else [])
            for u in (entries if isinstance(entries, list) else [])
            if isinstance(u, dict)
        ]
        if minutes and max(minutes) > 0:
            return max(minutes) * 60
    return None


def _without_token(url: str) -> str:
    """Meta's paging URLs repeat the access token in the query; it goes in the header instead, so that
    no URL that might be logged carries it."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "access_token"]
    return urlunsplit(parts._replace(query=urlencode(query)))


class GraphClient:
    """Calls for one access token (a Page's, or an Instagram account's Page token)."""

    def __init__(
        self,
        settings: PlatformSettings,
        token: str,
        *,
        http: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings, self._sleep = settings, sleep
        self._token = token
        self._http = http or httpx.Client(timeout=settings.timeout_s)
        self._own_http = http is None
        self.waited: list[float] = []  # the backoff waits, for tests and the worker's log

    def __repr__(self) -> str:  # never the token
        return f"GraphClient({self.settings.graph_url})"

    def close(self) -> None:
        if self._own_http:
            self._http.close()

    def __enter__(self) -> GraphClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- the request loop ---------------------------------------------------------------------------

    def _params(self, params: dict[str, Any] | None) -> dict[str, Any]:
        out = dict(params or {})
        if self.settings.app_secret:
            out["appsecret_proof"] = hmac.new(
                self.settings.app_secret.encode(), self._token.encode(), hashlib.sha256
            ).hexdigest()
        return out

    def request(
        self,
        method: str,
        path: str,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        *,
        retry: bool = True,
    ) -> Any:
        """One call; ``path`` relative to the pinned version (``/123_456``) or a full paging URL.
        ``retry=False``: one attempt only, for a call that creates something (a post): a retry after an
        answer that was lost could create it twice; the publisher retries after looking it up instead."""
        full = path.startswith(("http://", "https://"))  # a paging URL carries every parameter already
        url = _without_token(path) if full else f"{self.settings.graph_url}/{path.lstrip('/')}"
        headers = {"Authorization": f"Bearer {self._token}"}
        attempt = 0
        while True:
            attempt += 1
            try:
                answer = self._http.request(
                    method, url, params=None if full else self._params(params), data=data, headers=headers
                )
            except httpx.TransportError:
                error = GraphError("unreachable")
            else:
                try:
                    payload = answer.json()
                except ValueError:
                    payload = None
                if answer.is_success and not (isinstance(payload, dict) and "error" in payload):
                    return payload
                error = classify(answer.status_code, payload, answer.headers)
            if not error.retryable or not retry or attempt >= self.settings.max_attempts:
                raise error
            wait = self._wait(attempt, error)
            if wait is None:
                raise error
            self.waited.append(wait)
            self._sleep(wait)

    def _wait(self, attempt: int, error: GraphError) -> float | None:
        cap = self.settings.backoff_max_s
        if error.retry_after is not None:
            return error.retry_after if error.retry_after <= cap else None
        base = self.settings.backoff_s * 2.0 ** (attempt - 1)
        return float(
            min(cap, base * (0.75 + random.random() / 2))
        )  # jitter: retries of many workers spread out

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params)

    def paged(
        self, path: str, params: dict[str, Any], max_pages: int | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every item of an edge, following ``paging.next``."""
        answer = self.request("GET", path, params=params)
        pages = 1
        while True:
            yield from answer.get("data", []) if isinstance(answer, dict) else []
            following = answer.get("paging", {}).get("next") if isinstance(answer, dict) else None
            if not following or (max_pages is not None and pages >= max_pages):
                return
            answer = self.request("GET", following)
            pages += 1

    # --- Facebook Pages -----------------------------------------------------------------------------

    def page(self, page_id: str) -> dict[str, Any]:
        return dict(self.get(page_id, fields="id,name,link"))

    def messaging(self, page_id: str) -> str:
        """Whether people can message the page: ``off`` when Meta says messages are disabled in the
        page's settings (error 10904 / 230), ``on`` when the conversations edge answers, else
        ``unknown`` (no ``pages_messaging`` permission, or another refusal)."""
        try:
            self.get(f"{page_id}/conversations", limit=1, fields="id")
        except GraphError as exc:
            if exc.code in (10904, 230) or exc.subcode in (10904, 2018108):
                return "off"
            if exc.kind in ("permission", "invalid"):
                return "unknown"
            raise
        return "on"

    def feed(
        self, page_id: str, since: int | None = None, max_pages: int | None = None
    ) -> Iterator[dict[str, Any]]:
        params: dict[str, Any] = {"fields": FB_POST_FIELDS, "limit": 100}
        if since is not None:
            params["since"] = since
        return self.paged(f"{page_id}/feed", params, max_pages)

    def comments(self, object_id: str, max_pages: int | None = None) -> Iterator[dict[str, Any]]:
        """Every comment and reply under a post (``filter=stream``: replies too, in time order)."""
        params = {"fields": FB_COMMENT_FIELDS, "filter": "stream", "order": "chronological", "limit": 100}
        return self.paged(f"{object_id}/comments", params, max_pages)

    def comment(self, comment_id: str) -> dict[str, Any] | None:
        """A comment as the platform shows it now; None when it no longer exists."""
        try:
            return dict(self.get(comment_id, fields=FB_COMMENT_FIELDS))
        except GraphError as exc:
            if exc.kind == "not_found":
                return None
            raise

    def set_hidden(self, comment_id: str, hidden: bool) -> None:
        self.request("POST", comment_id, data={"is_hidden": "true" if hidden else "false"})

    def delete(self, object_id: str) -> None:
        self.request("DELETE", object_id)

    def reply(self, comment_id: str, message: str) -> str:
        return str(self.request("POST", f"{comment_id}/comments", data={"message": message})["id"])

    # --- Instagram ----------------------------------------------------------------------------------

    def ig_account(self, ig_user_id: str) -> dict[str, Any]:
        return dict(self.get(ig_user_id, fields="id,username,name"))

    def ig_media(self, ig_user_id: str, max_pages: int | None = None) -> Iterator[dict[str, Any]]:
        params = {"fields": "id,caption,timestamp,permalink,media_type", "limit": 100}
        return self.paged(f"{ig_user_id}/media", params, max_pages)

    def ig_comments(self, media_id: str, max_pages: int | None = None) -> Iterator[dict[str, Any]]:
        return self.paged(f"{media_id}/comments", {"fields": IG_COMMENT_FIELDS, "limit": 100}, max_pages)

    def ig_comment(self, comment_id: str) -> dict[str, Any] | None:
        try:
            return dict(self.get(comment_id, fields=IG_COMMENT_FIELDS))
        except GraphError as exc:
            if exc.kind == "not_found":
                return None
            raise

    def ig_set_hidden(self, comment_id: str, hidden: bool) -> None:
        self.request("POST", comment_id, data={"hide": "true" if hidden else "false"})

    def ig_reply(self, comment_id: str, message: str) -> str:
        return str(self.request("POST", f"{comment_id}/replies", data={"message": message})["id"])

    # --- publishing (issue 18) ----------------------------------------------------------------------

    def fb_photo(self, page_id: str, url: str, alt: str | None) -> str:
        """An unpublished photo of the page, fetched by Meta from ``url``; its id, to attach to a post."""
        data = {"url": url, "published": "false"}
        if alt:
            data["alt_text_custom"] = alt
        return str(self.request("POST", f"{page_id}/photos", data=data, retry=False)["id"])

    def fb_publish(
        self, page_id: str, message: str, link: str | None = None, media: tuple[str, ...] = ()
    ) -> str:
        """A post on the page's feed with its text, a link and the photos uploaded before; its id."""
        data: dict[str, Any] = {"message": message}
        if link:
            data["link"] = link
        for i, media_id in enumerate(media):
            data[f"attached_media[{i}]"] = json.dumps({"media_fbid": media_id})
        return str(self.request("POST", f"{page_id}/feed", data=data, retry=False)["id"])

    def fb_edit(self, post_id: str, message: str) -> None:
        """Change the text of a page's post (setting it again is harmless: it can be retried)."""
        self.request("POST", post_id, data={"message": message})

    def fb_recent(self, page_id: str, since: int) -> list[dict[str, Any]]:
        """The page's posts since ``since`` (Unix time): to find a post whose answer was lost."""
        params: dict[str, Any] = {"fields": "id,message,created_time", "since": since, "limit": 100}
        return list(self.paged(f"{page_id}/feed", params, max_pages=10))

    def ig_container(self, ig_user_id: str, image_url: str, caption: str, alt: str | None) -> str:
        """An Instagram media container: Meta fetches the photo from ``image_url``."""
        data = {"image_url": image_url, "caption": caption}
        if alt:
            data["alt_text"] = alt
        return str(self.request("POST", f"{ig_user_id}/media", data=data, retry=False)["id"])

    def ig_publish(self, ig_user_id: str, container_id: str) -> str:
        data = {"creation_id": container_id}
        return str(self.request("POST", f"{ig_user_id}/media_publish", data=data, retry=False)["id"])

    def ig_recent(self, ig_user_id: str) -> list[dict[str, Any]]:
        return list(self.paged(f"{ig_user_id}/media", {"fields": "id,caption,timestamp", "limit": 50}, 2))
