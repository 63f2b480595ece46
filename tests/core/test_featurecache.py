"""`DiskFeatureCache`: whole-dataset features written once, read by the next process; fitted ones stay in memory."""

from __future__ import annotations

import numpy as np
import pytest

from mmdemo.datasets import make_xor_shapes
from mmdemo.featurecache import DiskFeatureCache, bundled_feature_cache, code_fingerprint
from mmdemo.model import MultimodalModel


def test_a_new_cache_on_the_same_folder_reads_what_the_first_one_wrote(tmp_path):
    ds = make_xor_shapes(80, seed=1)
    first = DiskFeatureCache(tmp_path)
    X = MultimodalModel(["image", "audio"]).fit_features(ds, np.arange(40), feature_cache=first)
    assert len(list(tmp_path.glob("*.npy"))) == 2  # image and audio
    second = DiskFeatureCache(tmp_path)  # as a new worker process would
    assert ("image", MultimodalModel(["image"]).fit(ds).features_["image"]) in second
    again = MultimodalModel(["image", "audio"]).fit_features(ds, np.arange(40), feature_cache=second)
    np.testing.assert_array_equal(again, X)


def test_fitted_entries_are_not_written(tmp_path):
    cache = DiskFeatureCache(tmp_path)
    cache[("text", "words", "fitted on", "3f2a")] = ("fitted featurizer", np.ones((5, 2)))
    cache[("text", "words", "fitted on", "77b0")] = np.ones((5, 2))
    assert list(tmp_path.iterdir()) == []
    assert len(cache) == 2 and len(DiskFeatureCache(tmp_path)) == 0


@pytest.mark.parametrize("damage", [b"not a numpy file", b""], ids=["garbage", "empty"])
def test_a_damaged_file_is_a_miss_and_is_removed(tmp_path, damage):
    cache = DiskFeatureCache(tmp_path)
    cache[("audio", "mfcc")] = np.ones((4, 3))
    (path,) = tmp_path.glob("*.npy")
    path.write_bytes(damage)
    assert ("audio", "mfcc") not in DiskFeatureCache(tmp_path)
    assert not path.exists()


def test_arrays_of_objects_are_kept_in_memory_only(tmp_path):
    cache = DiskFeatureCache(tmp_path)
    cache[("image", "odd")] = np.array([{"a": 1}], dtype=object)
    assert list(tmp_path.iterdir()) == []
    assert cache[("image", "odd")][0] == {"a": 1}


def test_bundled_caches_live_in_the_data_folder_under_the_code_fingerprint(tmp_path, monkeypatch):
    monkeypatch.setenv("MMDEMO_DATA_DIR", str(tmp_path / "data"))
    cache = bundled_feature_cache("av-digits")
    assert cache.folder == tmp_path / "data" / "cache" / "features" / f"av-digits-{code_fingerprint()}"
    assert (tmp_path / "data").stat().st_mode & 0o077 == 0  # no other user may plant feature files
