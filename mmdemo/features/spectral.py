"""Short-time spectra in NumPy/SciPy: the few librosa functions the audio features need, without numba.

librosa compiles numba code as its submodules load: about 50 s on a machine
whose numba cache is empty (a fresh install, a new container) and about
120 MB of server memory. The audio hot path (the features, the preparation of
a recording) uses these equivalents instead; each follows librosa's
definition and default parameters, and ``tests/core/test_spectral.py`` checks
it against librosa.
"""

from __future__ import annotations

import numpy as np
import scipy.fft

__all__ = ["frame_signal", "stft_power", "mel_filters", "power_to_db", "rms", "resample"]


def frame_signal(y: np.ndarray, *, frame_length: int, hop_length: int) -> np.ndarray:
    """Centred frames of ``y`` (zero-padded by half a frame at both ends), as librosa's ``center=True``.

    Returns
    -------
    ndarray, shape=(..., frame_length, 1 + n // hop_length)

    Examples
    --------
    >>> frame_signal(np.arange(8.0), frame_length=4, hop_length=2).shape
    (4, 5)
    """
    y = np.asarray(y)
    pad = [(0, 0)] * (y.ndim - 1) + [(frame_length // 2, frame_length // 2)]
    padded = np.pad(y, pad)
    n_frames = 1 + (padded.shape[-1] - frame_length) // hop_length
    windows = np.lib.stride_tricks.sliding_window_view(padded, frame_length, axis=-1)[..., ::hop_length, :]
    return np.swapaxes(windows[..., :n_frames, :], -1, -2)


def stft_power(y: np.ndarray, *, n_fft: int, hop_length: int, window: np.ndarray) -> np.ndarray:
    """Power spectrogram ``|STFT|²`` of ``y`` (centred frames), as ``np.abs(librosa.stft(...)) ** 2``.

    Returns
    -------
    ndarray, shape=(..., 1 + n_fft // 2, 1 + n // hop_length), C-contiguous

    Examples
    --------
    >>> stft_power(np.ones(800, dtype=np.float32), n_fft=256, hop_length=80, window=np.hanning(256)).shape
    (129, 11)
    """
    frames = frame_signal(np.asarray(y, dtype=np.float32), frame_length=n_fft, hop_length=hop_length)
    # FFT along the last, contiguous axis (frames x samples), then back to frequency x frames.
    spectrum = scipy.fft.rfft(np.swapaxes(frames, -1, -2) * window.astype(np.float32), axis=-1)
    power = spectrum.real**2 + spectrum.imag**2
    return np.ascontiguousarray(np.swapaxes(power, -1, -2), dtype=np.float32)


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney's mel scale: linear below 1 kHz, logarithmic above."""
    hz = np.asarray(hz, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(hz >= min_log_hz, min_log_mel + np.log(np.maximum(hz, 1e-10) / min_log_hz) / logstep, hz / f_sp)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    mel = np.asarray(mel, dtype=np.float64)
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0
    return np.where(mel >= min_log_mel, min_log_hz * np.exp(logstep * (mel - min_log_mel)), f_sp * mel)


def mel_filters(*, sr: int, n_fft: int, n_mels: int, fmin: float = 0.0, fmax: float | None = None) -> np.ndarray:
    """Triangular mel filter bank, Slaney scale and area normalisation, as ``librosa.filters.mel``.

    Returns
    -------
    ndarray, shape=(n_mels, 1 + n_fft // 2), float32

    Examples
    --------
    >>> mel_filters(sr=8000, n_fft=256, n_mels=40).shape
    (40, 129)
    """
    fmax = sr / 2 if fmax is None else fmax
    fft_freqs = np.fft.rfftfreq(n_fft, d=1.0 / sr)
    mel_f = _mel_to_hz(np.linspace(_hz_to_mel(fmin), _hz_to_mel(fmax), n_mels + 2))
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fft_freqs)
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_f[2 : n_mels + 2] - mel_f[:n_mels]))[:, None]
    return weights.astype(np.float32)


def power_to_db(
    S: np.ndarray, *, ref: float = 1.0, amin: float = 1e-10, top_db: float | None = 80.0, axis=None
) -> np.ndarray:
    """``10 log10(S / ref)``, floored at ``amin`` and at ``top_db`` below the maximum, as ``librosa.power_to_db``.

    ``axis`` (an extension) takes the maximum for ``top_db`` over those axes
    only, so a batch of spectrograms is floored clip by clip.

    Examples
    --------
    >>> power_to_db(np.array([1.0, 1e-12]), top_db=None).round(1).tolist()
    [0.0, -100.0]
    """
    db = 10.0 * np.log10(np.maximum(amin, S)) - 10.0 * np.log10(np.maximum(amin, ref))
    if top_db is not None:
        db = np.maximum(db, np.max(db, axis=axis, keepdims=axis is not None) - top_db)
    return db


def rms(y: np.ndarray, *, frame_length: int, hop_length: int) -> np.ndarray:
    """Root-mean-square of each centred frame, as ``librosa.feature.rms(...)[0]``.

    Examples
    --------
    >>> float(rms(np.ones(800), frame_length=256, hop_length=80)[5])
    1.0
    """
    frames = frame_signal(np.asarray(y, dtype=np.float64), frame_length=frame_length, hop_length=hop_length)
    return np.sqrt(np.mean(frames**2, axis=-2))


def resample(y: np.ndarray, *, orig_sr: int, target_sr: int) -> np.ndarray:
    """Band-limited resampling by soxr's high-quality mode, as ``librosa.resample(res_type="soxr_hq")``.

    Examples
    --------
    >>> resample(np.zeros(44100, dtype=np.float32), orig_sr=44100, target_sr=8000).shape
    (8000,)
    """
    import soxr  # librosa's own resampler; no numba

    if orig_sr == target_sr:
        return y
    n_out = int(np.ceil(len(y) * float(target_sr) / orig_sr))
    out = soxr.resample(np.asarray(y), orig_sr, target_sr, quality="soxr_hq")
    return np.pad(out, (0, max(0, n_out - len(out))))[:n_out]
