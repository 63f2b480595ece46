"""Page setup shared by every page: config, session defaults, sidebar, error guard."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import streamlit as st
from streamlit.errors import StreamlitPageNotFoundError

from mmdemo.datasets import MultimodalDataset
from mmdemo.errors import MMDemoError
from mmdemo.ui import state
from mmdemo.ui.data import USER_DATASET, current_dataset, dataset_options
from mmdemo.ui.i18n import language_picker, modality_list, say, t
from mmdemo.ui.share import apply_link, link_notice

__all__ = ["PAGES", "Page", "setup_page", "guard", "pairing_note", "warm_up"]


@dataclass(frozen=True)
class Page:
    """One page of the app: its script and its icon."""

    script: str
    icon: str


#: Every page, in the order of the sidebar: key -> `Page`. The key names the page's catalogue table
#: (``<key>.title``, ``<key>.intro``) and its name in the sidebar (``nav.<key>``).
PAGES: dict[str, Page] = {
    "home": Page("app.py", "🎛️"),
    "explorer": Page("pages/1_Data_explorer.py", "🔎"),
    "train": Page("pages/2_Train_and_compare.py", "🏋️"),
    "space": Page("pages/3_Feature_space.py", "🗺️"),
    "crossmodal": Page("pages/4_Cross_modal_lab.py", "🔗"),
    "robustness": Page("pages/5_Robustness_lab.py", "🛡️"),
    "try": Page("pages/6_Try_it_yourself.py", "✍️"),
    "own": Page("pages/7_Your_own_dataset.py", "🧺"),
    "classroom": Page("pages/9_Classroom.py", "🏫"),
    "learn": Page("pages/8_Learn.py", "🎓"),
}

_log = logging.getLogger("mmdemo.ui")
WARM_UP_DELAY = 2.0  # seconds


def setup_page(page: str, *, pick_dataset: bool = True) -> MultimodalDataset | None:
    """Configure the page ``page`` (a key of `PAGES`), set session defaults, draw the sidebar; return the picked dataset."""
    title, intro, icon = t(f"{page}.title"), t(f"{page}.intro"), PAGES[page].icon
    st.set_page_config(page_title=f"{title} · mmdemo", page_icon=icon, layout="wide")
    warm_up()
    state.init_session()
    apply_link()
    st.title(f"{icon} {title}")
    if intro:
        st.caption(intro)
    _navigation()
    language_picker()
    notice = link_notice()
    if notice:
        st.warning(notice, icon="🔗")
    if not pick_dataset:
        return None
    with st.sidebar:
        options = dataset_options()
        shown = {USER_DATASET: t("common.your_dataset")}  # looked up now: format_func may run outside this page run
        if state.get("dataset_name") not in options:
            state.put("dataset_name", options[0])
        # The widget has its own key: Streamlit forgets a widget's value on pages that
        # do not draw it, while "dataset_name" must survive a visit to any page.
        st.selectbox(
            t("common.dataset"),
            options,
            index=options.index(state.get("dataset_name")),
            format_func=lambda name: shown.get(name, name),
            key="dataset_picker",
            on_change=_dataset_picked,
            help=t("common.dataset_help"),
        )
        with guard():
            ds = current_dataset()
            st.caption(
                t(
                    "common.dataset_caption",
                    n_samples=ds.n_samples,
                    n_classes=ds.n_classes,
                    modalities=modality_list(ds.modalities),
                )
            )
            return ds
    return None


@st.cache_resource(show_spinner=False)
def warm_up() -> threading.Thread:
    """Once per server, in the background: load av-digits, extract its features, train the default model.

    The first visitor reads the home page meanwhile; the first Train click and
    the first prediction then find warm caches (the caches themselves make
    sure nothing is computed twice if a page asks before the warm-up is done).
    """

    def work() -> None:
        time.sleep(WARM_UP_DELAY)  # let the first page draw before the warm-up takes the CPU
        try:
            from mmdemo.ui.models import default_model  # imported here: scikit-learn takes ~2 s to import

            default_model()
        except Exception:  # a failed warm-up only means the first visitor waits
            _log.exception("warm-up failed")

    thread = threading.Thread(target=work, name="mmdemo-warm-up", daemon=True)
    thread.start()
    return thread


def _navigation() -> None:
    """The page list in the session's language (Streamlit's own list, named after the files, is hidden)."""
    with st.sidebar:
        try:
            for key, page in PAGES.items():
                st.page_link(page.script, label=t(f"nav.{key}"), icon=page.icon)
        except StreamlitPageNotFoundError:  # a page run on its own (AppTest from a page file): no app around it
            pass
        st.divider()


def _dataset_picked() -> None:
    state.put("dataset_name", st.session_state["dataset_picker"])
    state.forget_dataset_widgets()


def pairing_note(dataset: MultimodalDataset) -> str:
    """One sentence on how the modalities of a sample were paired (it matters for retrieval)."""
    return t("common.pairing_label" if dataset.pairing == "label" else "common.pairing_instance")


@contextlib.contextmanager
def guard() -> Iterator[None]:
    """Show mmdemo errors as a clear message, anything unexpected as a short one; never a traceback."""
    try:
        yield
    except MMDemoError as exc:
        st.error(say(exc.message), icon="⚠️")
    except Exception as exc:  # the session must keep working whatever happens
        _log.exception("unexpected error in a page")
        st.error(t("common.unexpected_error", kind=type(exc).__name__, error=exc), icon="⚠️")
