"""Per-word evidence from a pretrained speech recognizer (pocketsphinx's CMU en-us model)."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Callable, Sequence
from functools import cache

import numpy as np

from mmdemo.features.spectral import resample

__all__ = [
    "DIGIT_WORDS",
    "MODEL_RATE",
    "heard_keys",
    "remember_evidence",
    "slot_evidence",
    "spoken_words",
    "unsayable_names",
    "word_evidence",
]

#: Digit class names and the English word a recognizer listens for.
DIGIT_WORDS: dict[str, str] = {
    "0": "zero",
    "1": "one",
    "2": "two",
    "3": "three",
    "4": "four",
    "5": "five",
    "6": "six",
    "7": "seven",
    "8": "eight",
    "9": "nine",
}
#: The rate the acoustic model was trained at; clips are resampled to it before decoding.
MODEL_RATE = 16000
#: Quiet noise put around every clip: trimmed clips start on the word, and the model expects to hear the room
#: first (its noise removal learns the floor there). Digital silence is no room: on 270 held-out espeak-ng
#: recordings, trimmed at 16 kHz, 0.1 s of zeros either side gave 0.81 right, 0.3 s of white noise 50 dB
#: under the peak 0.89 (1e-4..3e-3 of full scale: 0.83-0.89; the untrimmed recordings themselves: 0.92).
_PAD_S = 0.3
_PAD_LEVEL = 3e-3
_PAD = (_PAD_LEVEL * np.random.default_rng(0).standard_normal(int(_PAD_S * MODEL_RATE))).astype(np.float32)
#: Acoustic scale of the lattice posteriors: larger spreads the posterior over the runner-up words
#: (pocketsphinx's default 20 gives the winner 0.9 on average; 40 keeps the argmax and says more about the rest).
_ASCALE = 40.0
_TOKEN = re.compile(r"[a-z][a-z']*")
_LINK = re.compile(r"^J=\d+\s+S=(\d+)\s+E=\d+\s+a=\S+\s+p=(\S+)", re.M)
_NODE = re.compile(r"^I=(\d+)\s+t=\S+\s+W=(\S+)", re.M)


def _model_paths() -> tuple[str, str]:
    from pocketsphinx import get_model_path

    root = get_model_path()
    return os.path.join(root, "en-us", "en-us"), os.path.join(root, "en-us", "cmudict-en-us.dict")


@cache
def _dictionary() -> frozenset[str]:
    """Every word the shipped pronunciation dictionary can say (alternate pronunciations merged)."""
    with open(_model_paths()[1], encoding="utf-8") as fh:
        return frozenset(line.split(" ", 1)[0].split("(", 1)[0] for line in fh if line.strip())


def _spoken(name: str) -> str | None:
    """The words a class name is said with (lower case, space-separated), or None if it cannot be said."""
    name = str(name).strip().lower()
    if name in DIGIT_WORDS:
        return DIGIT_WORDS[name]
    tokens = re.split(r"[\s_\-]+", name)
    if not name or not all(_TOKEN.fullmatch(t) and t in _dictionary() for t in tokens):
        return None
    return " ".join(tokens)


def unsayable_names(class_names: Sequence[str]) -> list[str]:
    """The class names the recognizer cannot listen for (not English words, nor digits).

    Examples
    --------
    >>> unsayable_names(["cat", "7", "xyzzyq", "ice cream"])
    ['xyzzyq']
    """
    return [str(n) for n in class_names if _spoken(n) is None]


def spoken_words(class_names: Sequence[str]) -> list[str] | None:
    """The word (or phrase) each class name is said with, or None if any of them cannot be said.

    Digit names "0".."9" become "zero".."nine"; other names are lower-cased
    and must be in the CMU pronouncing dictionary shipped with pocketsphinx
    (names of several words, "ice cream" or "ice_cream", are said word by word).
    `unsayable_names` tells which names failed.

    Parameters
    ----------
    class_names : sequence of str, shape=(n_classes,)

    Returns
    -------
    list of str, shape=(n_classes,), or None

    Examples
    --------
    >>> spoken_words(["0", "1", "Nine"])
    ['zero', 'one', 'nine']
    >>> spoken_words(["cat", "xyzzyq"]) is None
    True
    """
    words = [_spoken(n) for n in class_names]
    return None if any(w is None for w in words) else words  # type: ignore[return-value]


class _DecoderPool:
    """Idle decoders per vocabulary, lent to one caller at a time: Streamlit runs sessions in threads.

    A decoder takes ~0.25 s to build, so it is kept for the process; a thread
    that finds none idle builds another rather than wait for a session's whole
    batch. (Decoding holds the GIL, so threads interleave but do not run
    faster: spread big batches over processes.)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, ...], list[_Recognizer]] = {}

    def acquire(self, phrases: tuple[str, ...]) -> _Recognizer:
        with self._lock:
            idle = self._idle.get(phrases)
            if idle:
                return idle.pop()
        return _Recognizer(phrases)

    def release(self, recognizer: _Recognizer) -> None:
        with self._lock:
            self._idle.setdefault(recognizer.phrases, []).append(recognizer)


def _pronunciations(words: set[str]) -> str:
    """The lines of the shipped dictionary that say ``words`` (every variant, e.g. ``zero(2)``).

    A word ``red@2`` (a slot's own copy of "red", see `slot_evidence`) gets the lines of "red" under its name.
    """
    aliases: dict[str, list[str]] = {}
    for w in words:
        aliases.setdefault(w.split("@", 1)[0], []).append(w)
    out = []
    with open(_model_paths()[1], encoding="utf-8") as fh:
        for line in fh:
            head, rest = line.split(" ", 1)
            base, _, variant = head.partition("(")
            out += [f"{alias}{'(' + variant if variant else ''} {rest}" for alias in aliases.get(base, ())]
    return "".join(out)


class _Recognizer:
    """One pocketsphinx decoder for one vocabulary: its grammar, its words' pronunciations, a lattice file.

    The decoder is given only the pronunciations of its vocabulary: with the
    whole 135,000-word dictionary it takes 92 MB of memory, with ten words 48 MB.
    """

    def __init__(self, phrases: tuple[str, ...]) -> None:
        from pocketsphinx import Config, Decoder

        self.phrases = phrases
        fd, self.lattice_path = tempfile.mkstemp(prefix="mmdemo-lattice-", suffix=".htk")
        os.close(fd)
        fd, dictionary = tempfile.mkstemp(prefix="mmdemo-words-", suffix=".dict")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(_pronunciations({w for p in phrases for w in p.split()}))
        try:
            hmm, _ = _model_paths()
            self.decoder = Decoder(Config(hmm=hmm, dict=dictionary, loglevel="FATAL", ascale=_ASCALE))
        finally:
            os.unlink(dictionary)
        self.searches: dict[tuple[str, ...], str] = {}

    def __del__(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.unlink(self.lattice_path)

    def listen_for(self, phrases: tuple[str, ...]) -> None:
        """Activate the grammar "exactly one of ``phrases``" (built once per vocabulary)."""
        name = self.searches.get(phrases)
        if name is None:
            name = f"vocabulary{len(self.searches)}"
            transitions, state = [], 2  # 0 = start, 1 = final; a phrase of k words walks k - 1 inner states
            unique = list(dict.fromkeys(phrases))
            for phrase in unique:
                words = phrase.split()
                path = [0] + list(range(state, state + len(words) - 1)) + [1]
                state += len(words) - 1
                transitions += [(a, b, 1.0 if a else 1.0 / len(unique), w) for a, b, w in zip(path, path[1:], words)]
            self.decoder.add_fsg(name, self.decoder.create_fsg(name, 0, 1, transitions))
            self.searches[phrases] = name
        self.decoder.activate_search(name)

    def listen_for_slots(self, slots: tuple[tuple[str, ...], ...]) -> None:
        """Activate the grammar "one phrase of each slot, in order" (each slot's words are its own copies)."""
        name = self.searches.get(slots)
        if name is None:
            name = f"vocabulary{len(self.searches)}"
            transitions, state, start = [], 2, 0
            for k, slot in enumerate(slots):
                end = 1 if k == len(slots) - 1 else state
                state += 1
                for phrase in dict.fromkeys(slot):
                    words = [f"{w}@{k}" for w in phrase.split()]
                    path = [start] + list(range(state, state + len(words) - 1)) + [end]
                    state += len(words) - 1
                    transitions += [
                        (a, b, 1.0 / len(slot) if a == start else 1.0, w) for a, b, w in zip(path, path[1:], words)
                    ]
                start = end
            self.decoder.add_fsg(name, self.decoder.create_fsg(name, 0, 1, transitions))
            self.searches[slots] = name
        self.decoder.activate_search(name)

    def _lattice_posteriors(self, pcm: bytes) -> dict[str, float] | None:
        """Word -> its posterior in the lattice of one utterance (summed over its links); None if nothing was heard."""
        d = self.decoder
        d.reinit_feat()  # the front end carries state from one utterance to the next: each clip is heard afresh
        d.start_utt()
        d.process_raw(pcm, full_utt=True)
        d.end_utt()
        lattice = d.get_lattice() if d.hyp() is not None else None
        if lattice is None:
            return None
        # The lattice object only writes itself out; HTK format carries each link's posterior (p=).
        lattice.write_htk(self.lattice_path)
        with open(self.lattice_path, encoding="utf-8") as fh:
            text = fh.read()
        node_word = dict(_NODE.findall(text))
        out: dict[str, float] = {}
        for node, p in _LINK.findall(text):  # a word's posterior: the links leaving its nodes
            word = node_word[node]
            out[word] = out.get(word, 0.0) + float(p)
        return out

    def slot_posteriors(self, pcm: bytes, slots: tuple[tuple[str, ...], ...]) -> np.ndarray:
        """Per slot of more than one phrase, the posterior of each phrase (its first word), each slot summing to 1."""
        heard = self._lattice_posteriors(pcm) or {}
        parts = []
        for k, slot in enumerate(slots):
            if len(slot) < 2:
                continue
            row = np.array([heard.get(f"{phrase.split()[0]}@{k}", 0.0) for phrase in slot])
            parts.append(row / row.sum() if row.sum() > 0 else np.full(len(slot), 1.0 / len(slot)))
        return np.concatenate(parts) if parts else np.zeros(0)

    def posteriors(self, pcm: bytes, phrases: tuple[str, ...]) -> np.ndarray:
        """Posterior of each phrase's first word in the lattice of one utterance; uniform if nothing was heard."""
        heard = self._lattice_posteriors(pcm)
        if heard is None:
            return np.full(len(phrases), 1.0 / len(phrases))
        out = np.zeros(len(phrases))
        for word, p in heard.items():
            for j in _marker_words(phrases).get(word, ()):
                out[j] += p
        total = out.sum()
        return out / total if total > 0 else np.full(len(phrases), 1.0 / len(phrases))


_POOL = _DecoderPool()

#: (digest of what the decoder hears, vocabulary) -> evidence: the bundled clips are decoded once per
#: process, however many models, splits and pages ask (the decode is deterministic).
_HEARD: dict[tuple[bytes, tuple[str, ...]], np.ndarray] = {}
_HEARD_KEPT = 200_000


@cache
def _marker_words(phrases: tuple[str, ...]) -> dict[str, list[int]]:
    """word -> the phrases whose posterior it carries: a word of the phrase no other phrase has (else its first)."""
    out: dict[str, list[int]] = {}
    for j, phrase in enumerate(phrases):
        others = {w for k, p in enumerate(phrases) if p != phrase for w in p.split()}
        mine = [w for w in phrase.split() if w not in others] or phrase.split()
        out.setdefault(mine[0], []).append(j)
    return out


def _pcm(clip: np.ndarray, sr: int) -> bytes:
    """A clip as the decoder hears it: 16 kHz, peak 0.9, `_PAD` (the same quiet noise) either side, 16-bit."""
    y = np.nan_to_num(np.asarray(clip, dtype=np.float32))
    if sr != MODEL_RATE and len(y):
        y = resample(y, orig_sr=sr, target_sr=MODEL_RATE)
    peak = float(np.abs(y).max()) if len(y) else 0.0
    y = 0.9 * y / peak if peak > 0 else y
    return (np.clip(np.concatenate([_PAD, y, _PAD]), -1.0, 1.0) * 32767).astype("<i2").tobytes()


def _phrases(words: Sequence[str]) -> tuple[str, ...]:
    return tuple(" ".join(str(w).lower().split()) for w in words)


def heard_keys(*, clips: Sequence[np.ndarray], sr: int) -> list[bytes]:
    """A digest of what the decoder hears of each clip (16 kHz, normalised, padded): the memo's key.

    Examples
    --------
    >>> clip = np.sin(np.arange(4000) / 3).astype(np.float32)
    >>> heard_keys(clips=[clip], sr=16000) == heard_keys(clips=[0.5 * clip], sr=16000)  # loudness does not matter
    True
    """
    return [hashlib.blake2b(_pcm(clip, sr), digest_size=16).digest() for clip in clips]


def remember_evidence(keys: Sequence[bytes], words: Sequence[str], evidence: np.ndarray) -> None:
    """Seed the memo with evidence computed before (`heard_keys` of the clips, the words, their rows).

    The bundled clips ship with their evidence (``tools/make_av_digits_evidence.py``), so a
    server starts without decoding 5,000 clips; a clip whose key differs (another resampler
    version, say) is simply decoded again.
    """
    phrases = _phrases(words)
    if len(_HEARD) + len(keys) > _HEARD_KEPT:
        _HEARD.clear()
    for key, row in zip(keys, np.asarray(evidence, dtype=np.float32)):
        _HEARD[(bytes(key), phrases)] = row


def word_evidence(*, clips: Sequence[np.ndarray], sr: int, words: Sequence[str], memo: bool = True) -> np.ndarray:
    """How strongly the recognizer hears each of ``words`` in each clip: posteriors that sum to 1.

    Each clip is decoded by pocketsphinx's CMU en-us acoustic model with a
    grammar allowing exactly one of ``words`` (between optional silences and
    noises); the evidence for a word is its posterior in the resulting word
    lattice. The argmax is the recognizer's answer; the rest says which words
    it nearly heard (0 for words it ruled out). A clip in which nothing was
    recognised gets the uniform ``1 / len(words)``. About 7-8 ms of one core
    per half-second clip (the decoder holds the GIL: threads do not share the
    work); the decoder is built once per process and thread in use (~0.25 s),
    and a clip heard before (same samples, same words) is not decoded again.

    Parameters
    ----------
    clips : sequence of ndarray, each shape=(n_i,)
        Mono samples in [-1, 1] (loudness does not matter: each is peak-normalised).
    sr : int
        Sample rate of every clip (resampled to 16 kHz, the model's rate).
    words : sequence of str, shape=(n_words,)
        Words or phrases to listen for, each in the pronouncing dictionary
        (see `spoken_words`, which turns class names into them).
    memo : bool
        Look clips up in (and add them to) the process's memo; False decodes every clip.

    Returns
    -------
    ndarray, shape=(n_clips, n_words), float32, rows summing to 1

    Examples
    --------
    >>> t = np.arange(16000) / 16000
    >>> hum = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    >>> ev = word_evidence(clips=[hum, hum], sr=16000, words=["yes", "no"])
    >>> ev.shape, bool(np.allclose(ev.sum(axis=1), 1))
    ((2, 2), True)
    """
    phrases = _phrases(words)

    def hear(recognizer: _Recognizer, pcms: list[bytes]) -> list[np.ndarray]:
        recognizer.listen_for(phrases)
        return [recognizer.posteriors(pcm, phrases) for pcm in pcms]

    return _heard(clips, sr, key_words=phrases, vocabulary=phrases, width=len(phrases), memo=memo, hear=hear)


def _heard(
    clips: Sequence[np.ndarray],
    sr: int,
    *,
    key_words: tuple[str, ...],
    vocabulary: tuple[str, ...],
    width: int,
    memo: bool,
    hear: Callable[[_Recognizer, list[bytes]], list[np.ndarray]],
) -> np.ndarray:
    """Rows of evidence for ``clips``: from the memo (keyed by samples and ``key_words``), else ``hear``d afresh."""
    out = np.empty((len(clips), width), dtype=np.float32)
    pcms = [_pcm(clip, sr) for clip in clips]
    keys = [(hashlib.blake2b(pcm, digest_size=16).digest(), key_words) for pcm in pcms]
    rows = {i: _HEARD.get(key) for i, key in enumerate(keys)} if memo else {}
    todo = [i for i in range(len(keys)) if rows.get(i) is None]
    if todo:
        recognizer = _POOL.acquire(vocabulary)
        try:
            heard = dict(zip(todo, hear(recognizer, [pcms[i] for i in todo])))
        finally:
            _POOL.release(recognizer)
        rows.update(heard)
        if memo:
            if len(_HEARD) + len(todo) > _HEARD_KEPT:
                _HEARD.clear()
            _HEARD.update((keys[i], np.asarray(row, dtype=np.float32)) for i, row in heard.items())
    for i, row in rows.items():
        out[i] = row
    return out


def _slots(slots: Sequence[Sequence[str]]) -> tuple[tuple[str, ...], ...]:
    return tuple(_phrases(slot) for slot in slots)


def _slot_vocabulary(slots: tuple[tuple[str, ...], ...]) -> tuple[str, ...]:
    """The words of a slot grammar as the decoder's vocabulary: slot k's copy of "red" is ``red@k``."""
    return tuple(" ".join(f"{w}@{k}" for w in phrase.split()) for k, slot in enumerate(slots) for phrase in slot)


def slot_key(slots: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """The memo's vocabulary key of a slot grammar (give it to `remember_evidence` as ``words``)."""
    return ("<slots>", *_slot_vocabulary(_slots(slots)))


def slot_evidence(
    *, clips: Sequence[np.ndarray], sr: int, slots: Sequence[Sequence[str]], memo: bool = True
) -> np.ndarray:
    """What the recognizer hears in each slot of a fixed sentence pattern: per slot, a posterior over its phrases.

    The grammar is the sentence ``slots[0] slots[1] ...``, one phrase of each
    slot in order ("a" / "small", "large" / "red", "green", ... / "circle", ...).
    Each slot gets its own copy of its words in the decoder's dictionary, so the
    lattice tells "red" as the first shape's colour from "red" as the second's.
    Slots of one phrase (the article "a") only guide the decoder and give no
    column. A clip in which nothing was recognised gets uniform rows. About
    40 ms of one core per three-second sentence; memoised as `word_evidence`.

    Parameters
    ----------
    clips : sequence of ndarray, each shape=(n_i,)
    sr : int
    slots : sequence of sequence of str
        The phrases each slot may hold, every word in the pronouncing dictionary.

    Returns
    -------
    ndarray, shape=(n_clips, sum of the sizes of the slots of two phrases or more), float32

    Examples
    --------
    >>> t = np.arange(16000) / 16000
    >>> hum = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    >>> slot_evidence(clips=[hum], sr=16000, slots=[["a"], ["red", "blue"], ["circle", "square", "triangle"]]).shape
    (1, 5)
    """
    grammar = _slots(slots)
    vocabulary = _slot_vocabulary(grammar)

    def hear(recognizer: _Recognizer, pcms: list[bytes]) -> list[np.ndarray]:
        recognizer.listen_for_slots(grammar)
        return [recognizer.slot_posteriors(pcm, grammar) for pcm in pcms]

    width = sum(len(s) for s in grammar if len(s) > 1)
    return _heard(
        clips, sr, key_words=("<slots>", *vocabulary), vocabulary=vocabulary, width=width, memo=memo, hear=hear
    )
