"""mmdemo's numba-free spectra agree with librosa, the definition they follow."""

from __future__ import annotations

import librosa
import numpy as np
import pytest

from mmdemo.features.audio import HOP, N_FFT, N_MELS, SAMPLE_RATE, mfcc_frames
from mmdemo.features.spectral import frame_signal, mel_filters, power_to_db, resample, rms, stft_power

RNG = np.random.default_rng(0)
WINDOW = np.hanning(N_FFT + 1)[:-1].astype(np.float32)


@pytest.mark.parametrize("n", [100, 256, 4321])
def test_power_spectrogram_matches_librosa_stft(n):
    y = RNG.normal(size=n).astype(np.float32)
    ours = stft_power(y, n_fft=N_FFT, hop_length=80, window=WINDOW)
    ref = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=80, window=WINDOW)) ** 2
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=1e-4, atol=1e-4 * ref.max())


def test_a_batch_is_the_same_as_one_clip_at_a_time():
    batch = RNG.normal(size=(3, 900)).astype(np.float32)
    together = stft_power(batch, n_fft=N_FFT, hop_length=80, window=WINDOW)
    for row, y in zip(together, batch):
        np.testing.assert_allclose(row, stft_power(y, n_fft=N_FFT, hop_length=80, window=WINDOW), rtol=1e-5)


@pytest.mark.parametrize("sr", [8000, 16000, 22050])
def test_mel_filters_match_librosa(sr):
    ours = mel_filters(sr=sr, n_fft=N_FFT, n_mels=N_MELS)
    np.testing.assert_allclose(ours, librosa.filters.mel(sr=sr, n_fft=N_FFT, n_mels=N_MELS, fmax=sr / 2), atol=1e-7)


def test_decibels_and_rms_match_librosa():
    S = np.abs(RNG.normal(size=(40, 30))) ** 2
    np.testing.assert_allclose(power_to_db(S, top_db=80.0), librosa.power_to_db(S, top_db=80.0))
    np.testing.assert_allclose(power_to_db(S, ref=S.max()), librosa.power_to_db(S, ref=np.max))
    y = RNG.normal(size=3000)
    np.testing.assert_allclose(
        rms(y, frame_length=256, hop_length=80), librosa.feature.rms(y=y, frame_length=256, hop_length=80)[0]
    )


def test_decibels_per_clip_floor_each_clip_at_its_own_maximum():
    loud, quiet = np.full((2, 3), 1.0), np.full((2, 3), 1e-6)
    quiet[0, 0] = 1e-12
    db = power_to_db(np.stack([loud, quiet]), top_db=20.0, axis=(1, 2))
    assert db[1].min() == pytest.approx(-80.0)  # 20 dB below the quiet clip's own maximum, not the loud one's


def test_resampling_matches_librosa_soxr_hq():
    y = RNG.normal(size=44100).astype(np.float32)
    np.testing.assert_array_equal(
        resample(y, orig_sr=44100, target_sr=8000), librosa.resample(y, orig_sr=44100, target_sr=8000)
    )


def test_frames_are_centred_like_librosa():
    y = np.arange(10.0)
    ours = frame_signal(y, frame_length=4, hop_length=3)
    ref = librosa.util.frame(np.pad(y, 2), frame_length=4, hop_length=3)
    np.testing.assert_array_equal(ours, ref)


def test_mfcc_frames_untrimmed_match_librosa_mfcc_from_the_same_mel_spectrogram():
    y = (0.8 * np.sin(np.arange(4000) / 9) * np.hanning(4000)).astype(np.float32)
    ours = mfcc_frames(clips=[y], sr=SAMPLE_RATE, trim_db=None)[0]
    S = librosa.feature.melspectrogram(
        y=y / np.abs(y).max(),
        sr=SAMPLE_RATE,
        n_fft=N_FFT,
        hop_length=HOP,
        window=WINDOW,
        n_mels=N_MELS,
        fmax=SAMPLE_RATE / 2,
    )
    ref = librosa.feature.mfcc(S=librosa.power_to_db(S, top_db=80.0), n_mfcc=13)
    np.testing.assert_allclose(ours, ref, atol=1e-3)
