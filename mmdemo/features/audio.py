"""Audio preprocessing and batched MFCC feature extractors."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import numpy as np
import scipy.fft
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils._param_validation import Interval, StrOptions
from threadpoolctl import threadpool_limits

from mmdemo.errors import ParameterError
from mmdemo.features.spectral import mel_filters, power_to_db, resample, rms, stft_power

__all__ = ["mel_spectrogram_db", "prepare_audio", "mfcc_frames", "mfcc_fixed", "mfcc_pooled", "AudioFeatures"]

N_FFT = 256
HOP = 80
N_MELS = 40
TOP_DB = 80.0
TRIM_DB = 30.0
CHUNK = 256
_WINDOW = np.hanning(N_FFT + 1)[:-1].astype(np.float32)  # periodic Hann, as librosa's "hann"


def prepare_audio(y: np.ndarray, *, sr: int, target_sr: int = 8000, top_db: float = TRIM_DB) -> np.ndarray:
    """Bring any recording to the form of the bundled clips.

    Mixes to mono, resamples to ``target_sr``, trims leading and trailing
    silence (``top_db`` below the peak) and peak-normalises to 0.9, the way a
    phone recording (44.1 kHz stereo, quiet, silence before the word) must be
    treated before the model hears it.

    Parameters
    ----------
    y : ndarray, shape=(n,) or (n, channels) or (channels, n)
        Samples in [-1, 1]; the longer axis is taken as time.
    sr : int
        Sample rate of ``y``.
    target_sr : int
        Sample rate the model was trained at.

    Returns
    -------
    ndarray, shape=(m,), float32

    Examples
    --------
    >>> t = np.arange(44100) / 44100
    >>> stereo = np.stack([0.05 * np.sin(2 * np.pi * 440 * t)] * 2, axis=1)
    >>> clip = prepare_audio(stereo, sr=44100)
    >>> round(float(np.abs(clip).max()), 2), len(clip) <= 8000
    (0.9, True)
    """
    y = np.asarray(y, dtype=np.float32)
    if y.ndim == 2:
        y = y.mean(axis=int(np.argmin(y.shape)))
    if y.ndim != 1:
        raise ParameterError(
            "features.bad_audio_shape",
            "Audio must be 1-D or 2-D (time x channels); got shape {shape}.",
            shape=str(y.shape),
        )
    y = np.nan_to_num(y)
    if sr != target_sr and len(y):
        y = resample(y, orig_sr=sr, target_sr=target_sr)
    peak = float(np.abs(y).max()) if len(y) else 0.0
    if peak > 0:
        y = 0.9 * _trim_silence(y, top_db=top_db) / peak
    return y.astype(np.float32)


def _trim_silence(y: np.ndarray, *, top_db: float) -> np.ndarray:
    """Cut leading and trailing frames quieter than ``top_db`` below the loudest, keeping a margin.

    Unlike ``librosa.effects.trim``, which cuts at the last loud frame's centre
    (so trimming again cuts another hop: a dataset exported and imported again
    would lose 10 ms per clip each time), the cut keeps every loud frame's whole
    window and stays on the hop grid. A second trim then sees the same frames
    and changes nothing.
    """
    level = rms(y, frame_length=N_FFT, hop_length=HOP)
    loud = np.flatnonzero(power_to_db(level**2, ref=float(level.max()) ** 2, top_db=None) > -top_db)
    margin = -(-(N_FFT // 2) // HOP)  # hops covering half a frame
    start = max(0, (int(loud[0]) - margin) * HOP)
    end = min(len(y), (int(loud[-1]) + margin) * HOP)
    return y[start:end]


def _mel_basis(sr: int) -> np.ndarray:
    return mel_filters(sr=sr, n_fft=N_FFT, n_mels=N_MELS, fmax=sr / 2)


def mel_spectrogram_db(*, y: np.ndarray, sr: int) -> np.ndarray:
    """The mel spectrogram the MFCCs are computed from, in dB (for display).

    Returns
    -------
    ndarray, shape=(n_mels, t)
    """
    power = _mel_basis(sr) @ stft_power(y, n_fft=N_FFT, hop_length=HOP, window=_WINDOW)
    return power_to_db(power, ref=float(power.max()), top_db=TOP_DB)


def mfcc_frames(
    *, clips: Sequence[np.ndarray], sr: int, n_mfcc: int = 13, trim_db: float | None = TRIM_DB
) -> list[np.ndarray]:
    """MFCCs of many clips, computed in batches, trimmed to each clip's sound.

    The mel spectrogram is computed on zero-padded batches (clips sorted by
    length, 256 at a time), then converted to dB **per clip** before the DCT:
    `librosa.feature.mfcc` on a padded batch would clip every clip relative to
    the loudest one in the batch. Frames more than ``trim_db`` below a clip's
    loudest frame at either end are dropped (silence trimming).

    Parameters
    ----------
    clips : sequence of ndarray, each shape=(n_i,)
    sr : int
    n_mfcc : int
    trim_db : float or None
        Threshold (in dB) below a clip's loudest frame for the leading and
        trailing frames that are dropped. If ``None``, every frame is kept
        (``1 + n_i // HOP`` frames, as `librosa.feature.mfcc` returns).

    Returns
    -------
    list of ndarray, each shape=(n_mfcc, t_i)

    Examples
    --------
    >>> clip = np.sin(np.linspace(0, 2000, 4000)).astype(np.float32)
    >>> mfcc_frames(clips=[clip], sr=8000)[0].shape[0]
    13
    """
    mel = _mel_basis(sr)
    out: list[np.ndarray | None] = [None] * len(clips)
    lengths = np.array([len(c) for c in clips])
    order = np.argsort(lengths, kind="stable")
    for start in range(0, len(order), CHUNK):
        idx = order[start : start + CHUNK]
        width = max(int(lengths[idx].max()), N_FFT)
        batch = np.zeros((len(idx), width), dtype=np.float32)
        for row, i in enumerate(idx):
            clip = np.nan_to_num(np.asarray(clips[i], dtype=np.float32))
            peak = float(np.abs(clip).max()) if len(clip) else 0.0
            batch[row, : len(clip)] = clip / peak if peak > 0 else clip
        n_frames = np.maximum(1, 1 + lengths[idx] // HOP)
        # One BLAS thread: on a busy 2-core machine a second one made this product up to 100x slower.
        with threadpool_limits(limits=1, user_api="blas"):
            power = mel @ stft_power(batch, n_fft=N_FFT, hop_length=HOP, window=_WINDOW)  # (batch, n_mels, frames)
        power *= (np.arange(power.shape[-1]) < n_frames[:, None])[:, None, :]  # frames beyond each clip: silence
        # dB per clip (its own loudest frame sets the floor): one clip's level never clips another's.
        db = power_to_db(power, ref=1.0, top_db=TOP_DB, axis=(1, 2))
        cepstra = scipy.fft.dct(db, type=2, norm="ortho", axis=1)[:, :n_mfcc]
        for row, i in enumerate(idx):
            keep = slice(0, n_frames[row])
            if trim_db is not None:
                loud = db[row, :, : n_frames[row]].max(axis=0)
                frames = np.flatnonzero(loud > loud.max() - trim_db)
                keep = slice(frames[0], frames[-1] + 1) if len(frames) else keep
            out[i] = cepstra[row, :, keep]
    return out  # type: ignore[return-value]


def _cmvn(frames: np.ndarray) -> np.ndarray:
    """Cepstral mean and variance normalisation over time, per coefficient."""
    mean = frames.mean(axis=1, keepdims=True)
    std = frames.std(axis=1, keepdims=True)
    return (frames - mean) / (std + 1e-3)


def mfcc_fixed(*, frames: Sequence[np.ndarray], n_frames: int = 30) -> np.ndarray:
    """Time-resolved form: drop c0, CMVN per clip, resample to ``n_frames`` frames.

    Parameters
    ----------
    frames : sequence of ndarray, each shape=(n_mfcc, t_i), from `mfcc_frames`
    n_frames : int

    Returns
    -------
    ndarray, shape=(n, (n_mfcc - 1) * n_frames)
    """
    rows = []
    target = np.linspace(0.0, 1.0, n_frames)
    for f in frames:
        f = _cmvn(f[1:])
        src = np.linspace(0.0, 1.0, f.shape[1]) if f.shape[1] > 1 else np.zeros(1)
        if f.shape[1] == 1:
            rows.append(np.repeat(f, n_frames, axis=1).ravel())
            continue
        rows.append(np.stack([np.interp(target, src, c) for c in f]).ravel())
    return np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)


def mfcc_pooled(*, frames: Sequence[np.ndarray]) -> np.ndarray:
    """Pooled form: mean and standard deviation of each MFCC over time.

    Returns
    -------
    ndarray, shape=(n, 2 * n_mfcc)
    """
    return np.asarray([np.concatenate([f.mean(axis=1), f.std(axis=1)]) for f in frames], dtype=np.float32).reshape(
        len(frames), -1
    )


class AudioFeatures(TransformerMixin, BaseEstimator):
    """Raw clips -> MFCC features, batched.

    Parameters
    ----------
    kind : {"frames", "pooled"}
        ``"frames"``: CMVN MFCC frames resampled to a fixed count (keeps the
        order of sounds; transfers far better to real voices). ``"pooled"``:
        mean and std over time (order lost; a common tutorial baseline).
    sample_rate : int
        Rate of every clip passed in.
    n_mfcc : int
    n_frames : int
        Frames kept by ``"frames"``.

    Examples
    --------
    >>> clip = np.sin(np.linspace(0, 2000, 4000)).astype(np.float32)
    >>> AudioFeatures().fit_transform([clip]).shape
    (1, 360)
    """

    _parameter_constraints = {
        "kind": [StrOptions({"frames", "pooled"})],
        "sample_rate": [Interval(Integral, 1000, None, closed="left")],
        "n_mfcc": [Interval(Integral, 2, 40, closed="both")],
        "n_frames": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, kind: str = "frames", sample_rate: int = 8000, n_mfcc: int = 13, n_frames: int = 30) -> None:
        self.kind = kind
        self.sample_rate = sample_rate
        self.n_mfcc = n_mfcc
        self.n_frames = n_frames

    def fit(self, X: Sequence[np.ndarray], y=None) -> AudioFeatures:
        """Validate the parameters (the features need no fitting)."""
        self._validate_params()
        return self

    def transform(self, X: Sequence[np.ndarray]) -> np.ndarray:
        """Describe every clip; shape=(n, n_features)."""
        frames = mfcc_frames(clips=X, sr=self.sample_rate, n_mfcc=self.n_mfcc)
        if self.kind == "frames":
            return mfcc_fixed(frames=frames, n_frames=self.n_frames)
        if self.kind == "pooled":
            return mfcc_pooled(frames=frames)
        raise ParameterError(
            "features.unknown_audio_kind", "Unknown audio feature {kind!r}; use frames or pooled.", kind=self.kind
        )
