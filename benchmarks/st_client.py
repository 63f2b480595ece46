"""A small Streamlit websocket client that behaves like one browser tab, for the load test.

It speaks the protocol the browser speaks on ``/_stcore/stream``: binary
protobufs, ``BackMsg`` up and ``ForwardMsg`` down. A page is run with a
``rerun_script`` BackMsg whose ``ClientState`` names the page and carries the
widget values; the server answers with ``new_session`` (the session id and the
app's pages), one ``delta`` per element, then ``script_finished``.

Only what the load test needs: open a page, click a button, type into a text
input, and read what the run showed (elements by label, errors).

Examples
--------
>>> async def journey(url):  # doctest: +SKIP
...     async with Session.connect(url) as tab:
...         await tab.open("Train_and_compare")
...         run = await tab.click("Train")
...         return run.metrics["Accuracy (held-out)"]
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import urllib.request
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any

from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect

from mmdemo.serve import COOKIE

__all__ = ["Run", "Session", "WidgetNotFound"]

#: Streamlit messages can be far above the websockets default of 1 MiB (charts, tables).
MAX_MESSAGE_BYTES = 200 * 1024 * 1024


class WidgetNotFound(LookupError):
    """The last run showed no widget of that kind with that label."""


@dataclass
class Run:
    """What one script run showed, as the browser would draw it, and how long it took.

    ``elements`` maps each element's position (the delta path) to the latest
    element sent there in this run, so a placeholder that was updated (a status,
    a spinner's ``st.empty``) counts once, with its final content.
    """

    seconds: float = 0.0
    elements: dict[tuple[int, ...], Element] = field(default_factory=dict)
    finished: str = ""
    problems: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list[Any]:
        """The inner protos of every element of ``kind`` (``"button"``, ``"metric"``…), in page order."""
        return [getattr(e, kind) for _, e in sorted(self.elements.items()) if e.WhichOneof("type") == kind]

    def widget(self, kind: str, label: str) -> Any:
        """The first widget of ``kind`` labelled ``label``; `WidgetNotFound` if there is none."""
        for w in self.of_kind(kind):
            if w.label == label:
                return w
        labels = [w.label for w in self.of_kind(kind)]
        raise WidgetNotFound(f"no {kind} labelled {label!r}; this run showed {labels}")

    @property
    def metrics(self) -> dict[str, str]:
        """Metric label -> shown value."""
        return {m.label: m.body for m in self.of_kind("metric")}

    @property
    def headings(self) -> list[str]:
        """Titles, headers and subheaders, in page order."""
        return [h.body for h in self.of_kind("heading")]

    @property
    def errors(self) -> list[str]:
        """Everything a user would read as a failure: exceptions, error alerts, a run that did not finish."""
        found = list(self.problems)
        found += [f"exception: {x.type}: {x.message}" for x in self.of_kind("exception")]
        found += [f"error: {a.body}" for a in self.of_kind("alert") if a.format == Alert.ERROR]
        return found


def _sticky_cookie(base_url: str, timeout: float) -> str:
    """GET the app's page as a browser does; the value of the proxy's sticky cookie it set ("" if none)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: no HTTP proxy
    with opener.open(base_url.rstrip("/") + "/", timeout=timeout) as response:
        response.read()
        cookies = SimpleCookie()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookies.load(header)
    return cookies[COOKIE].value if COOKIE in cookies else ""


class Session:
    """One browser tab: one websocket, one Streamlit session, its widget values.

    Use `Session.connect` (an async context manager), then `open`, `click` and
    `type_text`. Each returns the `Run` it caused; `last` is the latest one.
    Every rerun carries the values this tab has typed; widgets it never touched
    are left out, and the server keeps them as they were, as for a browser
    whose user has not touched them.
    """

    def __init__(self, ws: ClientConnection, base_url: str, *, timeout: float, worker: str = "") -> None:
        self._ws = ws
        self.base_url = base_url
        self.worker = worker  # the proxy's sticky cookie: which app process holds this session ("" without a proxy)
        self.timeout = timeout
        self.session_id = ""
        self.pages: dict[str, str] = {}  # url path ("" for the main page) -> page script hash
        self.page = ""
        self.query = ""
        self.last = Run()
        self._values: dict[str, WidgetState] = {}  # widget id -> value set by this tab

    @classmethod
    @contextlib.asynccontextmanager
    async def connect(
        cls, base_url: str, *, timeout: float = 120.0, worker: str | None = None
    ) -> AsyncIterator[Session]:
        """Open the app at ``base_url`` (``http://127.0.0.1:PORT``) as a browser tab does: the page, then its websocket.

        Behind `mmdemo.serve`'s proxy the page's response sets the sticky cookie
        that the websocket then carries, so the session lives on one worker;
        ``worker`` (``"w2"``) sends that cookie from the start instead, to pick the
        worker. The first subprotocol entry is the one the server selects; the
        browser adds its XSRF token as the second, which only matters for uploads.
        """
        if worker is None:
            worker = await asyncio.to_thread(_sticky_cookie, base_url, timeout)
        ws_url = base_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
        async with connect(
            ws_url,
            origin=base_url,
            subprotocols=["streamlit"],
            max_size=MAX_MESSAGE_BYTES,
            proxy=None,  # loopback only, whatever the environment says
            open_timeout=timeout,
            additional_headers={"Cookie": f"{COOKIE}={worker}"} if worker else None,
        ) as ws:
            yield cls(ws, base_url, timeout=timeout, worker=worker)

    async def open(self, page: str = "", *, query: str = "") -> Run:
        """Go to ``page`` (its URL path: ``""`` for the home page, ``"Train_and_compare"``) and run it.

        ``query`` is the link's query string without ``?`` (``"join=ABCD2345"``).
        """
        self.page, self.query = page, query
        return await self._rerun()

    async def click(self, label: str) -> Run:
        """Click the button labelled ``label`` on the current page; the click is sent once, like a browser."""
        button = self.last.widget("button", label)
        return await self._rerun(WidgetState(id=button.id, trigger_value=True))

    def fill(self, label: str, text: str) -> None:
        """Type ``text`` into the text input labelled ``label`` inside a form: sent with the form's submit button."""
        box = self.last.widget("text_input", label)
        self._values[box.id] = WidgetState(id=box.id, string_value=text)

    async def type_text(self, label: str, text: str) -> Run:
        """Type ``text`` into the text input labelled ``label`` and commit it (Enter)."""
        box = self.last.widget("text_input", label)
        self._values[box.id] = WidgetState(id=box.id, string_value=text)
        return await self._rerun()

    def _client_state(self, trigger: WidgetState | None) -> ClientState:
        """What the browser sends with a rerun: the page, the widget values it holds, a few facts about itself."""
        state = ClientState(query_string=self.query)
        if self.page in self.pages:
            state.page_script_hash = self.pages[self.page]
        else:  # a cold load: the server finds the page by its URL path
            state.page_name = self.page
        state.widget_states.widgets.extend(self._values.values())
        if trigger is not None:
            state.widget_states.widgets.append(trigger)
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        state.context_info.url = f"{self.base_url}/{self.page}" + (f"?{self.query}" if self.query else "")
        return state

    async def _rerun(self, trigger: WidgetState | None = None) -> Run:
        """Send one ``rerun_script`` and collect the run it starts until ``script_finished``."""
        run = Run()
        start = time.perf_counter()
        await self._ws.send(BackMsg(rerun_script=self._client_state(trigger)).SerializeToString())
        try:
            async with asyncio.timeout(self.timeout):
                await self._collect(run)
        except TimeoutError:
            run.problems.append(f"timeout: no script_finished within {self.timeout:.0f} s")
        run.seconds = time.perf_counter() - start
        self.last = run
        return run

    async def _collect(self, run: Run) -> None:
        """Read ForwardMsgs into ``run`` until the script run ends."""
        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await self._ws.recv())
            kind = msg.WhichOneof("type")
            if kind == "new_session":  # a run starts, and says which session this is
                run.elements.clear()
                self.session_id = msg.new_session.initialize.session_id
            elif kind == "navigation":  # the app's pages, as the sidebar lists them
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                run.elements[tuple(msg.metadata.delta_path)] = msg.delta.new_element
            elif kind == "page_not_found":
                run.problems.append(f"page not found: {self.page!r}")
            elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                run.problems.append(f"script error: {msg.session_event.script_compilation_exception.message}")
            elif kind == "script_finished":
                run.finished = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:  # else a new run follows
                    return
