"""`remembered`: results on bundled data are computed once for every session; a user's stay in their session."""

from __future__ import annotations

import threading
import time

from mmdemo.datasets import make_xor_shapes
from mmdemo.ui import memo
from mmdemo.ui.data import bundled_dataset
from tests.ui.conftest import open_page


def test_thirty_sessions_asking_at_once_wait_for_one_computation():
    xor, calls = bundled_dataset("xor-shapes"), []

    def compute():
        calls.append(1)
        time.sleep(0.2)
        return object()

    got = []
    threads = [
        threading.Thread(target=lambda: got.append(memo.remembered(xor, ("test-once", 30), compute))) for _ in range(30)
    ]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(calls) == 1 and len(got) == 30 and all(g is got[0] for g in got)


def test_old_results_of_a_kind_are_forgotten_beyond_the_limit():
    xor = bundled_dataset("xor-shapes")
    for k in range(5):
        memo.remembered(xor, ("test-limit", k), lambda k=k: k, limit=3)
    kept = sorted(key[2] for key in memo._SHARED if key[0] == "test-limit")
    assert kept == [2, 3, 4]


def test_the_cross_modal_lab_on_bundled_data_is_computed_once_for_two_students():
    first = open_page("4_Cross_modal_lab.py", dataset="xor-shapes")
    assert not first.exception
    before = {k: v for k, v in memo._SHARED.items() if k[0] == "shared space"}
    second = open_page("4_Cross_modal_lab.py", dataset="xor-shapes")
    assert not second.exception
    after = {k: v for k, v in memo._SHARED.items() if k[0] == "shared space"}
    assert after.keys() == before.keys() and all(after[k] is before[k] for k in before)  # reused, not recomputed
    assert "memo" not in second.session_state or not second.session_state["memo"]  # nothing per session


def test_a_users_own_data_stays_in_their_session():
    own = make_xor_shapes(160)  # not the bundled object: the user's own
    at = open_page("app.py")
    at.session_state["user_dataset"] = own
    at.session_state["dataset_name"] = "your dataset"
    at.switch_page("pages/4_Cross_modal_lab.py").run()
    assert not at.exception
    mine = [k for k in at.session_state["memo"] if k[0] == "shared space"]
    assert mine  # computed and kept in this session...
    assert all(at.session_state["memo"][k] is not v for k in mine for v in memo._SHARED.values())  # ...not shared
    other = open_page("app.py")
    assert not other.session_state["memo"]  # another student's session holds none of it
