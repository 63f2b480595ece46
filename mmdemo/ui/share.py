"""Shareable lessons: the experiment a teacher sets up lives in the URL, so one link opens it for everyone.

*Train & compare*: ``?dataset=xor-shapes&modalities=image,audio&fusion=tensor&classifier=logreg&seed=0&corrupt=image=0.4&lang=zh``;
*Robustness lab*: ``?dataset=av-digits&fusions=early,late,tensor&classifier=logreg&seed=0&test_corrupt=image:blur=0.6&curve=image&where=test``.
The page is the URL's path (Streamlit clears the parameters when the page
changes, so each page writes its own); the rest is read once when a session
starts (`apply_link`) and written back as the settings change (`share`, and
the language picker). A value that is not valid falls back to the default,
with a notice saying what was ignored and why.
"""

from __future__ import annotations

import streamlit as st

from mmdemo.classifiers import CLASSIFIERS
from mmdemo.corrupt import DEFAULT_KIND, parse_corruption
from mmdemo.datasets import BUNDLED, MODALITIES
from mmdemo.errors import ParameterError
from mmdemo.experiments.robustness import WHERE
from mmdemo.fusion import FUSIONS
from mmdemo.ui import state
from mmdemo.ui.data import bundled_dataset
from mmdemo.ui.i18n import LANGUAGES, t

__all__ = ["apply_link", "link_notice", "share", "share_settings", "levels_param"]


class _Unusable(Exception):
    """A link's value that cannot be used; its text, already in the session's language, says why."""


def _items(value: str) -> list[str]:
    return [v.strip() for v in value.split(",") if v.strip()]


def _available(dataset: str) -> list[str]:
    return bundled_dataset(dataset).modalities if dataset in BUNDLED else list(MODALITIES)


def _modalities(value: str, dataset: str) -> list[str]:
    mods, available = _items(value), _available(dataset)
    bad = [m for m in mods if m not in available]
    if bad or not mods:
        raise _Unusable(t("share.dataset_has", dataset=dataset, available=", ".join(available)))
    return mods


def apply_link() -> None:
    """Once per session: put the URL's settings into the widgets they belong to, or say why not."""
    if state.get("link_applied"):
        return
    state.put("link_applied", True)
    params = st.query_params
    ignored: list[str] = []
    dataset = params.get("dataset")
    if dataset is not None:
        if dataset in BUNDLED:
            state.put("dataset_name", dataset)
        else:
            ignored.append(_ignored("dataset", dataset, _use_one_of(BUNDLED)))
            dataset = None
    name = dataset or state.get("dataset_name")
    checks = {
        "fusion": lambda v: {"train_fusion": _one_of(v, FUSIONS)},
        "classifier": lambda v: dict.fromkeys(("train_classifier", "robust_classifier"), _one_of(v, CLASSIFIERS)),
        "modalities": lambda v: {"train_modalities": _modalities(v, name)},
        "seed": lambda v: dict.fromkeys(("train_seed", "robust_seed"), _seed(v)),
        "fusions": lambda v: {
            "robust_fusions": list(dict.fromkeys(_one_of(f, FUSIONS) for f in _items(v))) or _fail(FUSIONS)
        },
        "curve": lambda v: {"robust_curve_for": _one_of(v, [*_available(name), "all"])},
        "where": lambda v: {"robust_where": _one_of(v, WHERE)},
    }
    for param, check in checks.items():
        value = params.get(param)
        if value is None:
            continue
        try:
            st.session_state.update(check(value))
        except _Unusable as exc:
            ignored.append(_ignored(param, value, str(exc)))
    for param, put in (("corrupt", _train_levels), ("test_corrupt", _test_levels)):
        if params.get(param):
            try:
                st.session_state.update(put(parse_corruption(params[param])))
            except ParameterError:  # the core's parser: the page names the format instead
                ignored.append(_ignored(param, params[param], t(f"share.{param}_format")))
    lang = params.get("lang")
    if lang is not None and lang not in LANGUAGES:
        ignored.append(_ignored("lang", lang, t("share.use_en_or_zh")))
    if ignored:
        state.put("link_notice", t("share.separator").join(ignored))


def link_notice() -> str | None:
    """Once: the sentence saying which settings of the link were ignored and why, or None when all were valid."""
    ignored = state.pop("link_notice")
    return t("share.notice", ignored=ignored) if ignored else None


def _ignored(param: str, value: str, reason: str) -> str:
    return t("share.ignored", param=param, value=value, reason=reason)


def _use_one_of(accepted) -> str:
    return t("share.use_one_of", accepted=", ".join(accepted))


def _fail(accepted) -> None:
    raise _Unusable(_use_one_of(accepted))


def _one_of(value: str, accepted) -> str:
    return value if value in accepted else _fail(accepted)


def _seed(value: str) -> int:
    if not (value.isdigit() and int(value) <= 9999):
        raise _Unusable(t("share.seed_range"))
    return int(value)


def _train_levels(levels: dict[str, float]) -> dict[str, float]:
    """``corrupt``: Train & compare's sliders (one level per modality, the default kind)."""
    return {f"train_corrupt_{key.partition(':')[0]}": round(v, 1) for key, v in levels.items()}


def _test_levels(levels: dict[str, float]) -> dict[str, object]:
    """``test_corrupt``: the Robustness lab's kind and test-time level of each modality."""
    out: dict[str, object] = {}
    for key, v in levels.items():
        mod, _, kind = key.partition(":")
        out[f"robust_kind_{mod}"] = kind or DEFAULT_KIND[mod]
        out[f"robust_level_{mod}"] = round(v, 1)
    return out


def share(**params: object) -> None:
    """Write this page's settings into the URL (with the dataset), so copying it shares the experiment.

    Lists are written comma-separated; an empty or None value removes its parameter.
    """
    params = {"dataset": state.get("dataset_name"), **params}
    for name, value in params.items():
        text = ",".join(map(str, value)) if isinstance(value, (list, tuple)) else "" if value is None else str(value)
        if text:
            st.query_params[name] = text
        elif name in st.query_params:
            del st.query_params[name]


def levels_param(levels: dict[str, float], kinds: dict[str, str] | None = None) -> str:
    """``{"image": 0.4}`` -> ``"image=0.4"``; with kinds other than the default, ``"image:blur=0.4"``; zero levels left out."""
    kinds = kinds or {}
    return ",".join(
        f"{m}{'' if kinds.get(m, DEFAULT_KIND[m]) == DEFAULT_KIND[m] else ':' + kinds[m]}={v:g}"
        for m, v in levels.items()
        if v > 0
    )


def share_settings(settings) -> None:
    """Write the Train & compare settings into the URL."""
    share(
        modalities=settings.modalities,
        fusion=settings.fusion,
        classifier=settings.classifier,
        seed=settings.seed,
        corrupt=levels_param(settings.corruption),
    )
