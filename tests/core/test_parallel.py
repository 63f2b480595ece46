"""Fits on another backend give the same numbers: local processes, and a Dask cluster started here."""

from __future__ import annotations

import json

import pytest

from mmdemo.cli import main
from mmdemo.datasets import make_xor_shapes
from mmdemo.errors import ParameterError
from mmdemo.experiments.evaluate import compare, cross_validate
from mmdemo.parallel import backend_setting, run_tasks


@pytest.fixture(scope="module")
def xor():
    return make_xor_shapes(160, seed=2)


def _numbers(results):
    return [(r.fusion, r.accuracy, r.macro_f1, r.per_modality) for r in results]


def test_the_setting_picks_the_backend_and_names_the_choices(monkeypatch):
    monkeypatch.delenv("MMDEMO_BACKEND", raising=False)
    assert backend_setting() == "sequential"
    monkeypatch.setenv("MMDEMO_BACKEND", "loky")
    assert backend_setting() == "loky"
    assert backend_setting("sequential") == "sequential"  # an argument wins over the setting
    monkeypatch.setenv("MMDEMO_BACKEND", "spark")
    with pytest.raises(ParameterError, match="sequential, loky, dask"):
        backend_setting()


def test_local_processes_give_the_same_comparison(xor):
    fusions = ["early", "late", "tensor"]
    assert _numbers(compare(xor, fusions=fusions, backend="loky")) == _numbers(compare(xor, fusions=fusions))


def test_dask_without_a_scheduler_says_what_to_set(monkeypatch, xor):
    monkeypatch.delenv("MMDEMO_DASK_SCHEDULER", raising=False)
    with pytest.raises(ParameterError, match="MMDEMO_DASK_SCHEDULER"):
        compare(xor, fusions=["early", "late"], backend="dask")


def test_a_local_dask_cluster_runs_compare_and_cross_validation(monkeypatch, xor):
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        monkeypatch.setenv("MMDEMO_BACKEND", "dask")
        monkeypatch.setenv("MMDEMO_DASK_SCHEDULER", cluster.scheduler_address)
        with distributed.Client(cluster.scheduler_address) as client:
            before = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)
            on_dask = compare(xor, fusions=["early", "late", "tensor"])
            cv_dask = cross_validate(xor, fusion="tensor", n_splits=4)
            after = client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.transition_counter)
    assert after > before  # the fits went through the cluster's scheduler
    monkeypatch.setenv("MMDEMO_BACKEND", "sequential")
    assert _numbers(on_dask) == _numbers(compare(xor, fusions=["early", "late", "tensor"]))
    assert cv_dask == cross_validate(xor, fusion="tensor", n_splits=4)


def test_cli_compare_takes_a_backend(capsys):
    assert main(["compare", "--dataset", "xor-shapes", "--backend", "loky", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {r["fusion"] for r in out["results"]} >= {"early", "tensor"}


def test_run_tasks_keeps_the_order_of_the_tasks():
    assert list(run_tasks(divmod, [(7, 2), (9, 4), (5, 5)], backend="loky")) == [(3, 1), (2, 1), (1, 0)]
