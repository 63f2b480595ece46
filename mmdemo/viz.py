"""Pure functions that return plotly figures; no I/O, no Streamlit.

The same class has the same colour on every page (`class_color`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

__all__ = [
    "class_color",
    "confusion_matrix_figure",
    "comparison_figure",
    "embedding_figure",
    "image_grid_figure",
    "waveform_figure",
    "spectrogram_figure",
    "probability_figure",
    "shared_space_figure",
    "MODALITY_GLYPHS",
    "correlation_figure",
    "robustness_figure",
    "decision_regions_figure",
    "outer_product_figure",
    "rank_curve_figure",
    "similarity_matrix_figure",
    "training_figure",
    "TEXT",
]

#: Every fixed text the figures draw (titles, axes, legends, notes), in English. Each figure takes
#: ``text=`` (these keys, in another language: the UI passes its catalogue's ``[viz]`` table).
TEXT: dict[str, str] = {
    "confusion_title": "Confusion matrix (held-out samples)",
    "predicted": "predicted",
    "true": "true",
    "confusion_hover": "true {y}, predicted {x}: {z}",
    "rank_title": "Low-rank fusion (LMF) per rank, on the same held-out split",
    "rank": "rank",
    "rank_accuracy": "held-out accuracy",
    "rank_weights": "trained weights (log scale)",
    "lmf": "LMF",
    "early_line": "early ⊕",
    "tensor_line": "tensor ⊗ (PCA to 8)",
    "full_tensor_line": "full ⊗ of LMF's vectors",
    "comparison_title": "Accuracy on the same held-out split",
    "accuracy": "accuracy",
    "macro_f1": "macro-F1",
    "best_single": "best single modality {value}",
    "class": "class",
    "class_modality": "class · modality",
    "pairs": "pairs",
    "waveform_title": "Waveform",
    "time_s": "time (s)",
    "amplitude": "amplitude",
    "mel_title": "Mel spectrogram (dB)",
    "mel_band": "mel band",
    "correlation_title": "Canonical correlation per component (training rows)",
    "component": "component",
    "correlation": "correlation",
    "robustness_title": "Accuracy as {what} is corrupted ({kinds}; at {where} time)",
    "corruption_level": "corruption level",
    "held_out_accuracy": "held-out accuracy",
    "level_accuracy": "level {x}: accuracy {y}",
    "chance": "chance {value}",
    "your_slider": "your slider: {value}",
    "alone": "{modality} alone",
    "image": "image",
    "audio": "audio",
    "text": "text",
    "toy_title": "{name}: {value} held-out",
    "one_number": "s_{modality} (one number from the {modality})",
    "similarity_title": "Held-out pairs after epoch {epoch}: cosine similarity in the space",
    "similarity_hover": "{query} {y} · {target} {x}: %{{z:.2f}}",
    "epoch": "epoch",
    "training_loss": "training loss (InfoNCE)",
    "held_out": "held-out {metric}",
    "training_title": "Training, epoch by epoch (seed {seed})",
}


def _tx(text: Mapping[str, str] | None, key: str, **values) -> str:
    """The figure text ``key`` from ``text`` (a figure's ``text=`` argument), English where it lacks one."""
    template = (text or {}).get(key) or TEXT[key]
    return template.format(**values) if values else template


_SYMBOLS = {"image": "circle", "audio": "diamond", "text": "square"}
#: The same markers as characters, for titles and captions.
MODALITY_GLYPHS = {"image": "○", "audio": "◇", "text": "□"}


_PALETTE = (
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
    "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
    "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173",
)  # fmt: skip
_LAYOUT = {"template": "plotly_white", "font": {"size": 15}, "margin": {"l": 10, "r": 10, "t": 50, "b": 10}}


def class_color(index: int) -> str:
    """Colour of class ``index``, the same on every page."""
    return _PALETTE[index % len(_PALETTE)]


def confusion_matrix_figure(
    matrix: Sequence[Sequence[int]],
    class_names: Sequence[str],
    *,
    title: str | None = None,
    text: Mapping[str, str] | None = None,
) -> go.Figure:
    """Heatmap of counts: rows are true classes, columns predicted; the diagonal is right.

    Examples
    --------
    >>> confusion_matrix_figure([[3, 1], [0, 4]], ["a", "b"]).data[0].type
    'heatmap'
    """
    m = np.asarray(matrix)
    names = [str(c) for c in class_names]
    fig = go.Figure(
        go.Heatmap(
            z=m,
            x=names,
            y=names,
            colorscale="Blues",
            text=m,
            texttemplate="%{text}",
            showscale=False,
            hoverinfo="skip",
        )
    )
    # One invisible square per cell over the heatmap: plotly selects scatter points, not heatmap cells,
    # so a click on a cell selects its square (x = predicted, y = true), which lights up.
    xs, ys = np.meshgrid(np.arange(len(names)), np.arange(len(names)))
    fig.add_trace(
        go.Scatter(
            x=[names[i] for i in xs.ravel()],
            y=[names[i] for i in ys.ravel()],
            mode="markers",
            marker={"symbol": "square", "size": max(14, min(60, 420 // max(1, len(names)))), "color": "rgba(0,0,0,0)"},
            selected={"marker": {"color": "rgba(255,165,0,0.45)"}},
            unselected={"marker": {"opacity": 0}},
            customdata=m.ravel(),
            hovertemplate=_tx(text, "confusion_hover", y="%{y}", x="%{x}", z="%{customdata}") + "<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_layout(
        title=title or _tx(text, "confusion_title"),
        xaxis_title=_tx(text, "predicted"),
        yaxis_title=_tx(text, "true"),
        yaxis_autorange="reversed",
        **_LAYOUT,
    )
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig


def comparison_figure(
    rows: Sequence[dict], *, title: str | None = None, text: Mapping[str, str] | None = None
) -> go.Figure:
    """Bar chart of methods: each modality alone (grey) and every fusion method (blue).

    ``rows`` are dicts with ``name``, ``accuracy``, ``kind`` ("single" or "fusion")
    and optionally ``macro_f1``.

    Examples
    --------
    >>> comparison_figure([{"name": "image alone", "accuracy": 0.5, "kind": "single"}]).data[0].type
    'bar'
    """
    colors = ["#9e9e9e" if r["kind"] == "single" else "#1f77b4" for r in rows]
    best = max((r["accuracy"] for r in rows if r["kind"] == "single"), default=None)
    fig = go.Figure(
        go.Bar(
            x=[r["name"] for r in rows],
            y=[r["accuracy"] for r in rows],
            marker_color=colors,
            text=[f"{r['accuracy']:.2f}" for r in rows],
            textposition="outside",
            customdata=[r.get("macro_f1", float("nan")) for r in rows],
            hovertemplate=f"%{{x}}<br>{_tx(text, 'accuracy')} %{{y:.3f}}<br>{_tx(text, 'macro_f1')} %{{customdata:.3f}}<extra></extra>",
        )
    )
    if best is not None:
        fig.add_hline(
            y=best,
            line_dash="dot",
            line_color="#555",
            annotation_text=_tx(text, "best_single", value=f"{best:.2f}"),
            annotation_position="bottom right",
            annotation_bgcolor="rgba(255,255,255,0.8)",
        )
    fig.update_layout(
        title=title or _tx(text, "comparison_title"),
        yaxis_title=_tx(text, "accuracy"),
        yaxis_range=[0, 1.12],
        **_LAYOUT,
    )
    return fig


def embedding_figure(
    coords: np.ndarray,
    labels: Sequence[int],
    class_names: Sequence[str],
    *,
    hover: Sequence[str] | None = None,
    title: str = "",
    text: Mapping[str, str] | None = None,
) -> go.Figure:
    """Scatter of projected samples, one trace per class (click the legend to hide a class).

    ``coords`` has 2 or 3 columns; ``hover`` is one line per sample (id, text).

    Examples
    --------
    >>> embedding_figure(np.zeros((4, 3)), [0, 1, 0, 1], ["a", "b"]).data[0].type
    'scatter3d'
    """
    coords = np.asarray(coords)
    labels = np.asarray(labels)
    hover = list(hover) if hover is not None else [""] * len(labels)
    fig = go.Figure()
    for c, name in enumerate(class_names):
        idx = np.flatnonzero(labels == c)
        if len(idx) == 0:
            continue
        points = [f"{_tx(text, 'class')} {name}<br>{hover[i]}" for i in idx]
        common = {"name": str(name), "text": points, "hovertemplate": "%{text}<extra></extra>", "mode": "markers"}
        if coords.shape[1] == 3:
            fig.add_trace(
                go.Scatter3d(
                    x=coords[idx, 0],
                    y=coords[idx, 1],
                    z=coords[idx, 2],
                    marker={"size": 3, "color": class_color(c)},
                    **common,
                )
            )
        else:
            fig.add_trace(
                go.Scatter(
                    x=coords[idx, 0],
                    y=coords[idx, 1],
                    marker={"size": 7, "color": class_color(c), "opacity": 0.8},
                    **common,
                )
            )
    fig.update_layout(title=title, legend_title=_tx(text, "class"), **_LAYOUT)
    return fig


def image_grid_figure(images: Sequence[np.ndarray], captions: Sequence[str], *, columns: int = 8) -> go.Figure:
    """A grid of images (grayscale, or colour as drawn) with a caption under each.

    Examples
    --------
    >>> image_grid_figure([np.zeros((8, 8))] * 3, ["a", "b", "c"], columns=2).layout.height > 0
    True
    """
    from plotly.subplots import make_subplots

    n = len(images)
    rows = max(1, -(-n // columns))
    fig = make_subplots(
        rows=rows, cols=columns, subplot_titles=list(captions), horizontal_spacing=0.01, vertical_spacing=0.06
    )
    for i, img in enumerate(images):
        img = np.asarray(img)
        if img.ndim == 3 and img.shape[2] >= 3:  # colour, drawn as it is (rows top to bottom)
            trace = go.Image(z=(np.clip(img[..., :3], 0, 1) * 255).round().astype(np.uint8), hoverinfo="skip")
        else:
            img = img.mean(axis=2) if img.ndim == 3 else img
            trace = go.Heatmap(z=img[::-1], colorscale="gray", zmin=0, zmax=1, showscale=False, hoverinfo="skip")
        fig.add_trace(
            trace,
            row=i // columns + 1,
            col=i % columns + 1,
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False, scaleanchor="x")
    fig.update_layout(height=140 * rows + 40, **{**_LAYOUT, "margin": {"l": 0, "r": 0, "t": 30, "b": 0}})
    return fig


def waveform_figure(
    y: np.ndarray, sr: int, *, title: str | None = None, text: Mapping[str, str] | None = None
) -> go.Figure:
    """Amplitude over time (decimated for speed)."""
    step = max(1, len(y) // 4000)
    t = np.arange(len(y))[::step] / sr
    fig = go.Figure(go.Scatter(x=t, y=np.asarray(y)[::step], mode="lines", line={"width": 1}))
    fig.update_layout(
        title=title or _tx(text, "waveform_title"),
        xaxis_title=_tx(text, "time_s"),
        yaxis_title=_tx(text, "amplitude"),
        height=220,
        **_LAYOUT,
    )
    return fig


def spectrogram_figure(
    db: np.ndarray, sr: int, hop: int, *, title: str | None = None, text: Mapping[str, str] | None = None
) -> go.Figure:
    """A mel spectrogram in dB, shape (n_mels, frames), time on the x axis."""
    t = np.arange(db.shape[1]) * hop / sr
    fig = go.Figure(go.Heatmap(z=db, x=t, colorscale="Viridis", colorbar={"title": "dB"}))
    fig.update_layout(
        title=title or _tx(text, "mel_title"),
        xaxis_title=_tx(text, "time_s"),
        yaxis_title=_tx(text, "mel_band"),
        height=260,
        **_LAYOUT,
    )
    return fig


def probability_figure(probabilities: dict[str, float], *, title: str = "") -> go.Figure:
    """Horizontal bars of class probabilities, the most likely on top."""
    items = sorted(probabilities.items(), key=lambda kv: kv[1])
    fig = go.Figure(
        go.Bar(
            x=[v for _, v in items],
            y=[k for k, _ in items],
            orientation="h",
            text=[f"{v:.2f}" for _, v in items],
            textposition="outside",
        )
    )
    fig.update_layout(title=title, xaxis_range=[0, 1.15], height=60 + 26 * len(items), **_LAYOUT)
    fig.update_yaxes(type="category")
    return fig


def shared_space_figure(
    Za: np.ndarray,
    Zb: np.ndarray,
    labels: Sequence[int],
    class_names: Sequence[str],
    modalities: tuple[str, str],
    *,
    lines: bool = False,
    hover: Sequence[str] | None = None,
    title: str = "",
    text: Mapping[str, str] | None = None,
) -> go.Figure:
    """Both modalities in one shared space: colour = class, symbol = modality, optional pair lines.

    ``Za`` and ``Zb`` hold the same samples (row i of each is one sample),
    projected to 2 or 3 dimensions.

    Examples
    --------
    >>> fig = shared_space_figure(np.zeros((4, 2)), np.ones((4, 2)), [0, 1, 0, 1], ["a", "b"], ("image", "audio"), lines=True)
    >>> len(fig.data)  # 2 classes x 2 modalities + the pair lines
    5
    """
    Za, Zb = np.asarray(Za), np.asarray(Zb)
    labels = np.asarray(labels)
    three = Za.shape[1] >= 3
    hover = list(hover) if hover is not None else [""] * len(labels)
    fig = go.Figure()
    if lines:
        xs, ys, zs = [], [], []
        for a, b in zip(Za, Zb):
            xs += [a[0], b[0], None]
            ys += [a[1], b[1], None]
            zs += [a[2], b[2], None] if three else []
        style = {
            "mode": "lines",
            "line": {"color": "rgba(120,120,120,0.35)", "width": 1},
            "name": _tx(text, "pairs"),
            "hoverinfo": "skip",
        }
        fig.add_trace(go.Scatter3d(x=xs, y=ys, z=zs, **style) if three else go.Scatter(x=xs, y=ys, **style))
    for modality, Z in zip(modalities, (Za, Zb)):
        for c, name in enumerate(class_names):
            idx = np.flatnonzero(labels == c)
            if len(idx) == 0:
                continue
            marker = {
                "color": class_color(c),
                "symbol": _SYMBOLS.get(modality, "circle"),
                "size": 4 if three else 8,
                "opacity": 0.85,
            }
            common = {
                "mode": "markers",
                "name": f"{name} · {modality}",
                "legendgroup": str(name),
                "marker": marker,
                "text": [f"{_tx(text, 'class')} {name} · {modality}<br>{hover[i]}" for i in idx],
                "hovertemplate": "%{text}<extra></extra>",
            }
            if three:
                fig.add_trace(go.Scatter3d(x=Z[idx, 0], y=Z[idx, 1], z=Z[idx, 2], **common))
            else:
                fig.add_trace(go.Scatter(x=Z[idx, 0], y=Z[idx, 1], **common))
    fig.update_layout(title=title, legend_title=_tx(text, "class_modality"), **_LAYOUT)
    return fig


def correlation_figure(
    correlations: Sequence[float], *, title: str | None = None, text: Mapping[str, str] | None = None
) -> go.Figure:
    """Bars of the correlation between the two modalities along each shared component.

    Examples
    --------
    >>> correlation_figure([0.9, 0.5]).data[0].type
    'bar'
    """
    values = list(correlations)
    fig = go.Figure(
        go.Bar(
            x=[f"{i + 1}" for i in range(len(values))],
            y=values,
            text=[f"{v:.2f}" for v in values],
            textposition="outside",
            marker_color="#1f77b4",
        )
    )
    fig.update_layout(
        title=title or _tx(text, "correlation_title"),
        xaxis_title=_tx(text, "component"),
        yaxis_title=_tx(text, "correlation"),
        yaxis_range=[0, 1.1],
        height=300,
        **_LAYOUT,
    )
    return fig


#: Line colours of the modalities' own models in curve charts (fused methods use the palette).
_MODALITY_COLORS = {"image": "#8c564b", "audio": "#7f7f7f", "text": "#bcbd22"}


def robustness_figure(
    curves, *, marker: float | None = None, title: str | None = None, text: Mapping[str, str] | None = None
) -> go.Figure:
    """Accuracy against corruption level: fused methods solid, each modality alone dashed, chance dotted.

    ``curves`` is a `mmdemo.experiments.robustness.RobustnessCurves`; ``marker`` draws a
    vertical line at a level (the page's slider), labelled with its value.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> c = NS(levels=[0, 1], chance=0.1, corrupted="image", kinds={"image": "noise"}, where="test",
    ...        lines=lambda: [("early", None, [0.9, 0.5]), ("image alone", "image", [0.8, 0.1])],
    ...        auc=lambda: {"early": 0.7, "image alone": 0.45})
    >>> [t.name for t in robustness_figure(c, marker=0.5).data]
    ['early · AUC 0.70', 'image alone · AUC 0.45']
    """
    auc = curves.auc()
    fig = go.Figure()
    for i, (name, m, acc) in enumerate(curves.lines()):
        single = m is not None
        label = _tx(text, "alone", modality=_tx(text, m) if m in TEXT else m) if single else name
        style = (
            {"line": {"color": _MODALITY_COLORS.get(m, "#555"), "width": 2, "dash": "dash"},
             "marker": {"symbol": _SYMBOLS.get(m, "circle")}}
            if single
            else {"line": {"color": _PALETTE[i], "width": 3}}
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=curves.levels,
                y=acc,
                mode="lines+markers",
                name=f"{label} · AUC {auc[name]:.2f}",
                hovertemplate=f"{label}<br>"
                + _tx(text, "level_accuracy", x="%{x:.2f}", y="%{y:.3f}")
                + "<extra></extra>",
                **style,
            )
        )
    fig.add_hline(
        y=curves.chance,
        line_dash="dot",
        line_color="#999",
        annotation_text=_tx(text, "chance", value=f"{curves.chance:.2f}"),
        annotation_position="bottom left",
    )
    if marker is not None:
        fig.add_vline(
            x=marker,
            line_color="#d62728",
            line_width=2,
            annotation_text=_tx(text, "your_slider", value=f"{marker:.1f}"),
            annotation_position="top",
        )
    kinds = ", ".join(f"{m} {k}" for m, k in curves.kinds.items())
    fig.update_layout(
        title=title or _tx(text, "robustness_title", what=curves.corrupted, kinds=kinds, where=curves.where),
        xaxis_title=_tx(text, "corruption_level"),
        yaxis_title=_tx(text, "held_out_accuracy"),
        yaxis_range=[0, 1.08],
        xaxis_range=[min(curves.levels) - 0.03, max(curves.levels) + 0.03],
        legend={"orientation": "h", "y": -0.2},
        height=480,
        **_LAYOUT,
    )
    return fig


def decision_regions_figure(lesson, *, text: Mapping[str, str] | None = None) -> go.Figure:
    """One panel per 2-D toy model: its class-probability map and the held-out samples on top.

    ``lesson`` is a `mmdemo.experiments.interactions.InteractionLesson`.
    """
    from plotly.subplots import make_subplots

    names = list(lesson.regions)
    fig = make_subplots(
        rows=1,
        cols=len(names),
        subplot_titles=[_tx(text, "toy_title", name=n, value=f"{lesson.toy_accuracy[n]:.2f}") for n in names],
        horizontal_spacing=0.04,
        shared_yaxes=True,
    )
    gx, gy = lesson.grid
    a, b = lesson.modalities
    for col, name in enumerate(names, start=1):
        fig.add_trace(
            go.Heatmap(
                x=gx,
                y=gy,
                z=lesson.regions[name],
                zmin=0,
                zmax=1,
                colorscale=[[0, "#cfe3f5"], [0.5, "#ffffff"], [1, "#fde0c5"]],
                showscale=False,
                hovertemplate=f"P({lesson.class_names[1]}) = %{{z:.2f}}<extra></extra>",
            ),
            row=1,
            col=col,
        )
        fig.add_trace(  # the decision boundary, P = 0.5
            go.Contour(
                x=gx,
                y=gy,
                z=lesson.regions[name],
                contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "lines"},
                line={"color": "#333", "width": 2},
                showscale=False,
                hoverinfo="skip",
            ),
            row=1,
            col=col,
        )
        for c, cname in enumerate(lesson.class_names):
            pts = lesson.s_test[lesson.y_test == c]
            fig.add_trace(
                go.Scatter(
                    x=pts[:, 0],
                    y=pts[:, 1],
                    mode="markers",
                    name=cname,
                    legendgroup=cname,
                    showlegend=col == 1,
                    marker={"color": class_color(c), "size": 7, "line": {"width": 0.5, "color": "white"}},
                    hovertemplate=f"{cname}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        fig.update_xaxes(title_text=_tx(text, "one_number", modality=a), row=1, col=col)
    fig.update_yaxes(title_text=_tx(text, "one_number", modality=b), row=1, col=1)
    fig.update_layout(
        height=420, legend_title=_tx(text, "class"), **{**_LAYOUT, "margin": {"l": 10, "r": 10, "t": 60, "b": 10}}
    )
    return fig


def outer_product_figure(matrix: np.ndarray, modalities: tuple[str, str], *, title: str = "") -> go.Figure:
    """A heatmap of a matrix laid out as [z_a;1] ⊗ [z_b;1]: rows z_a,1 … 1, columns z_b,1 … 1.

    Examples
    --------
    >>> outer_product_figure(np.outer([1, 2, 1], [3, 1]), ("image", "audio")).data[0].z.shape
    (3, 2)
    """
    m = np.asarray(matrix, dtype=float)
    a, b = modalities
    rows = [f"{a} z{i + 1}" for i in range(m.shape[0] - 1)] + ["1"]
    cols = [f"{b} z{j + 1}" for j in range(m.shape[1] - 1)] + ["1"]
    limit = float(np.abs(m).max()) or 1.0
    fig = go.Figure(
        go.Heatmap(
            z=m,
            x=cols,
            y=rows,
            zmin=-limit,
            zmax=limit,
            colorscale="RdBu",
            reversescale=True,
            hovertemplate="%{y} × %{x} = %{z:.2f}<extra></extra>",
        )
    )
    fig.update_layout(title=title, yaxis_autorange="reversed", height=380, **_LAYOUT)
    fig.update_xaxes(type="category")
    fig.update_yaxes(type="category")
    return fig


def rank_curve_figure(curve, chosen: int, *, text: Mapping[str, str] | None = None) -> go.Figure:
    """Two panels over LMF's rank: held-out accuracy, and trained weights (log scale), with ⊕ and ⊗ as lines.

    ``curve`` is a `mmdemo.experiments.rank.RankCurve`; ``chosen`` the rank the slider shows.

    Examples
    --------
    >>> from types import SimpleNamespace as NS
    >>> curve = NS(ranks=[1, 2], accuracy=[0.9, 0.95], n_parameters=[10, 20], full_tensor_parameters=80,
    ...            references={"early": {"accuracy": 0.5, "n_parameters": 30}, "tensor": {"accuracy": 0.9, "n_parameters": 40}})
    >>> [t.name for t in rank_curve_figure(curve, 2).data if t.showlegend]
    ['LMF', 'early ⊕', 'tensor ⊗ (PCA to 8)', "full ⊗ of LMF's vectors"]
    """
    from plotly.subplots import make_subplots

    fig = make_subplots(rows=1, cols=2, subplot_titles=[_tx(text, "rank_accuracy"), _tx(text, "rank_weights")])
    lines = (("early", "early_line", "dash", _PALETTE[7]), ("tensor", "tensor_line", "dot", _PALETTE[3]))
    for col, value, kind in ((1, "accuracy", "accuracy"), (2, "n_parameters", "n_parameters")):
        values = curve.accuracy if kind == "accuracy" else curve.n_parameters
        fig.add_trace(
            go.Scatter(
                x=list(curve.ranks),
                y=list(values),
                mode="lines+markers",
                name=_tx(text, "lmf"),
                line={"color": _PALETTE[0], "width": 3},
                showlegend=col == 1,
                legendgroup="lmf",
            ),
            row=1,
            col=col,
        )
        refs = [(curve.references[k][value], _tx(text, label), dash, colour) for k, label, dash, colour in lines]
        if kind == "n_parameters":
            refs.append((curve.full_tensor_parameters, _tx(text, "full_tensor_line"), "longdash", _PALETTE[4]))
        for y, name, dash, colour in refs:
            fig.add_trace(
                go.Scatter(
                    x=[min(curve.ranks), max(curve.ranks)],
                    y=[y, y],
                    mode="lines",
                    name=name,
                    line={"color": colour, "dash": dash},
                    hovertemplate=f"{name}: {y:,}<extra></extra>",
                    showlegend=col == 1 or dash == "longdash",
                    legendgroup=name,
                ),
                row=1,
                col=col,
            )
        fig.add_vline(x=chosen, line={"color": "#888", "width": 1}, row=1, col=col)
    fig.update_xaxes(title_text=_tx(text, "rank"), tickmode="array", tickvals=list(curve.ranks))
    fig.update_yaxes(type="log", dtick=1, row=1, col=2)  # a label at each power of ten only
    fig.update_layout(
        title=_tx(text, "rank_title"),
        height=420,
        legend={"orientation": "h", "y": -0.25},
        **{**_LAYOUT, "margin": {**_LAYOUT["margin"], "t": 90}},  # the title above the panels' own
    )
    return fig


def similarity_matrix_figure(
    similarity: np.ndarray,
    labels: Sequence[str],
    modalities: tuple[str, str],
    *,
    epoch: int,
    text: Mapping[str, str] | None = None,
) -> go.Figure:
    """A heatmap of the cosine similarity of some held-out pairs: row i a query, column j a target.

    Each sample's own partner is on the diagonal; ``labels`` name the pairs (rows and columns alike).

    Examples
    --------
    >>> fig = similarity_matrix_figure(np.eye(3), ["a", "b", "c"], ("image", "text"), epoch=1)
    >>> fig.data[0].z.shape, fig.layout.yaxis.autorange
    ((3, 3), 'reversed')
    """
    query, target = (_tx(text, m) for m in modalities)
    names = [f"{k + 1}. {label}" for k, label in enumerate(labels)]
    fig = go.Figure(
        go.Heatmap(
            z=np.asarray(similarity, dtype=float),
            x=names,
            y=names,
            zmin=-1,
            zmax=1,
            colorscale="RdBu",
            reversescale=True,
            hovertemplate=_tx(text, "similarity_hover", query=query, target=target, x="%{x}", y="%{y}")
            + "<extra></extra>",
        )
    )
    fig.update_layout(
        title=_tx(text, "similarity_title", epoch=epoch),
        xaxis_title=target,
        yaxis_title=query,
        yaxis_autorange="reversed",
        height=520,
        **_LAYOUT,
    )
    fig.update_xaxes(type="category", showticklabels=False)
    fig.update_yaxes(type="category", showticklabels=False)
    return fig


def training_figure(
    losses: Sequence[float],
    held_out: Sequence[float],
    *,
    metric: str,
    chosen: int,
    seed: int,
    text: Mapping[str, str] | None = None,
) -> go.Figure:
    """Two panels over the epochs: the training loss, and a held-out score (``metric`` names it), a line at ``chosen``.

    Examples
    --------
    >>> fig = training_figure([3.0, 2.0, 1.5], [0.1, 0.3, 0.4], metric="R@10", chosen=2, seed=0)
    >>> [trace.y[-1] for trace in fig.data]
    [1.5, 0.4]
    """
    from plotly.subplots import make_subplots

    epochs = list(range(1, len(losses) + 1))
    fig = make_subplots(
        rows=1, cols=2, subplot_titles=[_tx(text, "training_loss"), _tx(text, "held_out", metric=metric)]
    )
    for col, values, colour in ((1, losses, _PALETTE[0]), (2, held_out, _PALETTE[2])):
        fig.add_trace(
            go.Scatter(x=epochs, y=list(values), mode="lines", line={"color": colour, "width": 3}, showlegend=False),
            row=1,
            col=col,
        )
        fig.add_vline(x=chosen, line={"color": "#888", "width": 1}, row=1, col=col)
    fig.update_xaxes(title_text=_tx(text, "epoch"))
    fig.update_layout(title=_tx(text, "training_title", seed=seed), height=340, **_LAYOUT)
    return fig
