"""The speech recognizer's evidence, the class names it can say, the speech feature kinds and voice-activity trimming."""

from __future__ import annotations

import threading

import numpy as np
import pytest
from sklearn.base import clone

from mmdemo.datasets.av_digits import EVIDENCE_FILE, load_digit_clips
from mmdemo.errors import ParameterError
from mmdemo.features import AudioFeatures, make_features, prepare_audio, spoken_words, unsayable_names, word_evidence
from mmdemo.features.audio import EVIDENCE_SCALE, SAMPLE_RATE
from mmdemo.features.speech import heard_keys

SR = SAMPLE_RATE
DIGITS = [str(i) for i in range(10)]
WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]


@pytest.fixture(scope="module")
def bundled():
    return load_digit_clips()


@pytest.fixture(scope="module")
def festival_digits(bundled):
    """One clip of each digit by a festival diphone voice (the recognizer never heard it)."""
    clips, labels, voices = bundled
    first = {}
    for clip, label, voice in zip(clips, labels, voices, strict=True):
        if voice == "festival-ked_diphone":
            first.setdefault(int(label), clip)
    return [first[d] for d in range(10)]


def test_the_recognizer_hears_most_digits_said_by_a_voice(festival_digits):
    evidence = word_evidence(clips=festival_digits, sr=SR, words=WORDS, memo=False)
    assert evidence.shape == (10, 10)
    np.testing.assert_allclose(evidence.sum(axis=1), 1.0, atol=1e-5)
    assert (evidence.argmax(axis=1) == np.arange(10)).sum() >= 7


def test_evidence_does_not_depend_on_loudness_or_the_rate(festival_digits):
    clip = festival_digits[7]
    at_16k = np.repeat(clip, 2)  # crude, but the same word at twice the rate
    loud, quiet, fast = word_evidence(clips=[clip, 0.01 * clip], sr=SR, words=WORDS, memo=False).tolist() + [
        word_evidence(clips=[at_16k], sr=2 * SR, words=WORDS, memo=False)[0].tolist()
    ]
    np.testing.assert_allclose(loud, quiet, atol=1e-3)
    assert int(np.argmax(fast)) == int(np.argmax(loud)) == 7


def test_evidence_from_two_threads_is_the_same(festival_digits):
    """Streamlit decodes for several sessions at once: each gets a decoder of its own."""
    alone = word_evidence(clips=festival_digits, sr=SR, words=WORDS, memo=False)
    results = [None, None]

    def run(i):
        results[i] = word_evidence(clips=festival_digits, sr=SR, words=WORDS[::-1] if i else WORDS, memo=False)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    np.testing.assert_allclose(results[0], alone, atol=1e-6)
    np.testing.assert_allclose(results[1][:, ::-1], alone, atol=1e-6)


def test_the_evidence_shipped_with_the_bundled_clips_is_what_the_recognizer_hears(bundled):
    """speech_evidence.npz (tools/make_av_digits_evidence.py) must match a fresh decoding, clip for clip."""
    clips, _, _ = bundled
    stored = np.load(EVIDENCE_FILE)
    assert list(stored["words"]) == WORDS and len(stored["keys"]) == len(clips)
    picks = list(range(0, len(clips), 250))
    keys = heard_keys(clips=[clips[i] for i in picks], sr=SR)
    assert keys == [stored["keys"][i].tobytes() for i in picks]  # stored in the clips' order, keyed by what is heard
    fresh = word_evidence(clips=[clips[i] for i in picks], sr=SR, words=WORDS, memo=False)
    np.testing.assert_allclose(stored["evidence"][picks], fresh, atol=1e-4)
    remembered = word_evidence(clips=[clips[i] for i in picks], sr=SR, words=WORDS)
    np.testing.assert_allclose(remembered, fresh, atol=1e-4)


def test_digit_names_and_english_words_can_be_said():
    assert spoken_words(DIGITS) == WORDS
    assert spoken_words(["Cat", "dog", "ice cream"]) == ["cat", "dog", "ice cream"]
    assert unsayable_names(DIGITS + ["cat"]) == []


def test_a_made_up_name_is_reported_by_name():
    assert spoken_words(["cat", "xyzzyq"]) is None
    assert unsayable_names(["cat", "xyzzyq", "7"]) == ["xyzzyq"]
    with pytest.raises(ParameterError) as caught:
        AudioFeatures(kind="speech", words=["cat", "xyzzyq"]).fit([])
    assert caught.value.message.key == "features.unsayable_words"
    assert "xyzzyq" in str(caught.value) and "cat" not in str(caught.value) and "frames" in str(caught.value)


def test_speech_kinds_need_the_class_names():
    with pytest.raises(ParameterError) as caught:
        make_features("audio", "speech+frames").fit([])
    assert caught.value.message.key == "features.speech_needs_words" and "frames" in str(caught.value)
    make_features("audio", "frames").fit([])  # the MFCC kinds do not need them


def test_speech_feature_shapes(festival_digits):
    clips = festival_digits[:4]
    speech = AudioFeatures(kind="speech", words=DIGITS).fit_transform(clips)
    frames = AudioFeatures(kind="frames", words=DIGITS).fit_transform(clips)
    both = make_features("audio", "speech+frames", class_names=DIGITS).fit_transform(clips)
    assert speech.shape == (4, 10) and frames.shape == (4, 12 * 30) and both.shape == (4, 10 + 12 * 30)
    np.testing.assert_allclose(both[:, :10], EVIDENCE_SCALE * speech, atol=1e-5)  # scaled to weigh beside the frames
    np.testing.assert_allclose(both[:, 10:], frames, atol=1e-6)


def test_audio_features_clone_with_their_words():
    feat = AudioFeatures(kind="speech+frames", words=("0", "1"))
    copy = clone(feat)
    assert copy.get_params() == feat.get_params() and copy.words == ("0", "1")
    assert clone(feat.fit([])).get_params()["words"] == ("0", "1")


# -------------------------------------------------------------- voice activity


def _noisy_recording(word: np.ndarray, *, lead: float, total: float, noise: float, seed: int = 0) -> np.ndarray:
    """``word`` inside ``total`` seconds of room noise (white noise at ``noise`` RMS), starting at ``lead``."""
    rng = np.random.default_rng(seed)
    y = noise * rng.standard_normal(int(total * SR))
    start = int(lead * SR)
    y[start : start + len(word)] += word
    return y.astype(np.float32)


@pytest.mark.parametrize("noise", [0.01, 0.02])
def test_trimming_keeps_about_the_word_of_a_noisy_recording(bundled, noise):
    """1.5 s of noise around the word: about the word's span is kept (a -30 dB-from-peak rule keeps all)."""
    clips, labels, _ = bundled
    word = 0.5 * prepare_audio(clips[int(np.flatnonzero(labels == 7)[0])], sr=SR)
    y = _noisy_recording(word, lead=0.6, total=len(word) / SR + 1.5, noise=noise)
    out = prepare_audio(y, sr=SR)
    assert abs(len(out) - len(word)) / SR <= 0.15
    # and it is the word that was kept: it lines up with the word's place in the recording
    best = np.argmax(np.correlate(y, out, mode="valid"))
    assert abs(best / SR - 0.6) <= 0.15


def test_trimming_drops_a_bump_in_the_noise(bundled):
    clips, labels, _ = bundled
    word = 0.5 * prepare_audio(clips[int(np.flatnonzero(labels == 3)[0])], sr=SR)
    y = _noisy_recording(word, lead=1.0, total=len(word) / SR + 1.8, noise=0.003)
    y[1200:1400] += 0.4 * np.hanning(200)  # a knock on the table 0.85 s before the word
    out = prepare_audio(y, sr=SR)
    assert abs(len(out) - len(word)) / SR <= 0.15


def test_trimming_a_noisy_recording_twice_changes_nothing(bundled):
    clips, _, _ = bundled
    for i, clip in enumerate(clips[::50]):
        y = _noisy_recording(0.5 * clip, lead=0.5, total=len(clip) / SR + 1.0, noise=0.01, seed=i)
        once = prepare_audio(y, sr=SR)
        twice = prepare_audio(once, sr=SR)
        assert len(twice) == len(once) and np.abs(twice - once).max() < 1e-6


def test_trimming_leaves_clean_clips_as_the_level_rule_did(bundled):
    """A bundled clip loses no more than the -30 dB rule took, bar a pop well before a few words."""
    from mmdemo.features.audio import HOP, N_FFT, TRIM_DB
    from mmdemo.features.spectral import power_to_db, rms

    clips, _, _ = bundled
    changed = 0
    for clip in clips[::5]:
        level = rms(clip, frame_length=N_FFT, hop_length=HOP)
        loud = np.flatnonzero(power_to_db(level**2, ref=float(level.max()) ** 2, top_db=None) > -TRIM_DB)
        level_rule = min(len(clip), (loud[-1] + 2) * HOP) - max(0, (loud[0] - 2) * HOP)
        changed += abs(len(prepare_audio(clip, sr=SR)) - level_rule) > 0.02 * SR
    assert changed <= 0.01 * len(clips[::5])
