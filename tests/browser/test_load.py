"""Five sessions at once over Streamlit's websocket: each trains and predicts, and none sees another's model.

The small form of ``python -m benchmarks --only load``: the same journey
(`benchmarks.load.journey`), no timing assertions.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from benchmarks.load import Journey, crowd

pytestmark = pytest.mark.browser

SESSIONS = 5


@pytest.fixture(scope="module")
def journeys(app_url) -> list[Journey]:
    """Five concurrent journeys: open the app, train once on *Train & compare*, predict once on *Try it yourself*."""
    # In a thread of its own: the session's Playwright (sync API) already runs an event loop in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, crowd(app_url, SESSIONS)).result()


def test_every_session_finishes_without_errors(journeys):
    assert [j.errors for j in journeys] == [[]] * SESSIONS


def test_every_session_sees_its_training_result_and_a_prediction(journeys):
    assert all(j.accuracy for j in journeys), [j.accuracy for j in journeys]
    assert all(j.prediction for j in journeys), [j.prediction for j in journeys]


def test_sessions_are_isolated(journeys):
    assert len({j.session_id for j in journeys}) == SESSIONS
    # Each predicts with the model it trained itself, not the shared default one.
    assert all(j.model.startswith("Predicting with trained in this session") for j in journeys), [
        j.model for j in journeys
    ]
    # Same data, settings and seed: training side by side changes nothing a session learns.
    assert len({(j.accuracy, j.prediction) for j in journeys}) == 1
