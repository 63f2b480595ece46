"""Learn: the concepts behind the app, with their formulas and the app's own live results."""

import streamlit as st

from mmdemo.ui.i18n import t
from mmdemo.ui.learn import (
    accuracy,
    block_widths,
    contrastive_numbers,
    default_result,
    distance_shares,
    fusion_group_numbers,
    imagination_numbers,
    name,
    page_link,
    show_accuracies,
    tensor_widths,
    widths_text,
    xor_lesson,
)
from mmdemo.ui.page import guard, setup_page

setup_page("learn", pick_dataset=False)

with guard():
    st.header(t("learn.what.header"))
    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("learn.what.multimodal_title"))
        st.markdown(t("learn.what.multimodal"))
        page_link("train")
    with right:
        st.subheader(t("learn.what.crossmodal_title"))
        st.markdown(t("learn.what.crossmodal"))
        page_link("crossmodal")
    st.info(t("learn.what.difference"), icon="💡")

    st.subheader(t("learn.groups.header"))
    st.markdown(t("learn.groups.intro"))
    st.latex(r"\mathbf{z} = \frac{1}{|S|} \sum_{m \in S} W_m^{\top} \mathbf{x}_m, \qquad \hat{y} = f(\mathbf{z})")
    st.markdown(t("learn.groups.after"))
    groups = fusion_group_numbers()
    st.markdown(
        t(
            "learn.groups.live",
            **{k: accuracy(v) if isinstance(v, float) else v for k, v in groups.items()},
        )
    )
    page_link("train")

    st.header(t("learn.pipeline.header"))
    st.markdown(t("learn.pipeline.steps"))
    st.caption(t("learn.pipeline.note"))
    for link in ("data", "try_it", "features", "train"):
        page_link(link)

    xor = xor_lesson()
    av, av_model = default_result()
    av_dims = block_widths(av_model)
    av_tensor = tensor_widths(av_dims)

    st.header(t("learn.fusion.header"))
    st.markdown(t("learn.fusion.intro"))
    st.subheader(t("learn.fusion.early_title"))
    st.latex(
        r"\mathbf{x} = \mathbf{x}_1 \oplus \mathbf{x}_2 \oplus \dots \oplus \mathbf{x}_M,"
        r"\qquad \dim \mathbf{x} = d_1 + d_2 + \dots + d_M"
    )
    st.markdown(t("learn.fusion.early"))
    st.subheader(t("learn.fusion.tensor_title"))
    st.latex(
        r"\mathbf{z} = \begin{bmatrix}\mathbf{z}_1\\1\end{bmatrix} \otimes \begin{bmatrix}\mathbf{z}_2\\1\end{bmatrix},"
        r"\qquad z_{ij} = [\mathbf{z}_1;1]_i\,[\mathbf{z}_2;1]_j,"
        r"\qquad \dim \mathbf{z} = (d_1+1)(d_2+1)"
    )
    st.markdown(t("learn.fusion.tensor"))
    k_a, k_b = (n - 1 for n in xor.weights.shape)
    st.markdown(t("learn.fusion.tensor_live", k_a=k_a, k_b=k_b, width=xor.weights.size, **av_tensor))
    st.subheader(t("learn.fusion.late_title"))
    st.latex(r"p(y \mid x) = \frac{1}{M} \sum_{m=1}^{M} p_m(y \mid x_m)")
    st.markdown(t("learn.fusion.late"))
    st.latex(
        r"p(y \mid x) \propto \prod_{m=1}^{M} p_m(y \mid x_m)"
        r"\qquad\qquad p(y \mid x) = \operatorname{softmax}\Big(\sum_{m=1}^{M} W_m\, p_m(\cdot \mid x_m) + b\Big)"
    )
    st.markdown(t("learn.fusion.late_variants"))
    page_link("train")

    st.header(t("learn.live.header"))
    st.markdown(t("learn.live.intro"))
    st.subheader(t("learn.live.xor_title"))
    first = xor.results[0]
    shown = {r.fusion: accuracy(r.accuracy) for r in xor.results}
    alone = {m: accuracy(a) for m, a in first.per_modality.items()}
    st.markdown(t("learn.live.xor_text", **alone, **shown))
    show_accuracies(first.per_modality, xor.results)
    st.caption(
        t(
            "learn.live.xor_caption",
            n_test=first.n_test,
            pct=round(100 * first.test_size),
            seed=first.seed,
            classifier=first.classifier,
            n_train=first.n_train,
            chance=1 / len(xor.class_names),
        )
    )
    page_link("robustness_xor")

    st.subheader(t("learn.live.av_title"))
    best, worst = (f(av.per_modality, key=av.per_modality.get) for f in (max, min))
    st.markdown(
        t(
            "learn.live.av_text",
            fused=accuracy(av.accuracy),
            gain=av.fusion_gain,
            best_name=name(best),
            best=accuracy(av.per_modality[best]),
            worst_name=name(worst),
            worst=accuracy(av.per_modality[worst]),
        )
    )
    show_accuracies(av.per_modality, [av])
    st.caption(
        t(
            "learn.live.av_caption",
            classifier=av.classifier,
            n_test=av.n_test,
            pct=round(100 * av.test_size),
            seed=av.seed,
            n_train=av.n_train,
            chance=1 / len(av.class_names),
        )
    )
    page_link("try_it")

    st.header(t("learn.scaling.header"))
    st.markdown(t("learn.scaling.text"))
    st.latex(
        r"\tilde{\mathbf{x}}_m = \frac{w_m}{\sqrt{d_m}} \cdot \frac{\mathbf{x}_m - \boldsymbol{\mu}_m}{\boldsymbol{\sigma}_m},"
        r"\qquad \mathbf{x} = \tilde{\mathbf{x}}_1 \oplus \dots \oplus \tilde{\mathbf{x}}_M"
    )
    st.markdown(t("learn.scaling.after"))
    shares = distance_shares(av_dims)
    st.markdown(
        t(
            "learn.scaling.live",
            widths=widths_text(av_dims),
            widest=name(shares["widest"]),
            share=shares["share"],
            equal=shares["equal"],
            m=shares["m"],
        )
    )
    page_link("features")

    st.header(t("learn.cca.header"))
    st.markdown(t("learn.cca.text"))
    st.latex(
        r"\max_{\mathbf{w}_a,\mathbf{w}_b} \operatorname{corr}(\mathbf{X}_a\mathbf{w}_a, \mathbf{X}_b\mathbf{w}_b)"
        r" = \max_{\mathbf{w}_a,\mathbf{w}_b} \frac{\mathbf{w}_a^\top \Sigma_{ab} \mathbf{w}_b}"
        r"{\sqrt{\mathbf{w}_a^\top \Sigma_{aa} \mathbf{w}_a}\,\sqrt{\mathbf{w}_b^\top \Sigma_{bb} \mathbf{w}_b}}"
    )
    st.markdown(t("learn.cca.after"))
    page_link("crossmodal")

    st.header(t("learn.pairing.header"))
    st.markdown(t("learn.pairing.text"))
    st.markdown(t("learn.pairing.why"))
    st.caption(t("learn.pairing.note"))
    page_link("own")

    st.header(t("learn.contrastive.header"))
    st.markdown(t("learn.contrastive.text"))
    st.latex(
        r"S_{ij} = \frac{\langle f(a_i),\, g(b_j) \rangle}{\lVert f(a_i) \rVert\,\lVert g(b_j) \rVert\;\tau},"
        r"\qquad \mathcal{L} = -\frac{1}{2n}\sum_{i=1}^{n}"
        r"\Big(\log \frac{e^{S_{ii}}}{\sum_j e^{S_{ij}}} + \log \frac{e^{S_{ii}}}{\sum_j e^{S_{ji}}}\Big)"
    )
    st.markdown(t("learn.contrastive.after"))
    st.markdown(t("learn.contrastive.live", **contrastive_numbers()))
    page_link("crossmodal_train")

    st.header(t("learn.generation.header"))
    st.markdown(t("learn.generation.text"))
    st.latex(
        r"\hat{x}_{\text{image}}(q) = \frac{\sum_{k \in N_3(z_q)} w_k\, x_k}{\sum_{k \in N_3(z_q)} w_k},"
        r"\qquad w_k = \frac{1}{\lVert z_q - z_k \rVert}"
    )
    st.markdown(t("learn.generation.live", **imagination_numbers()))
    page_link("crossmodal_imagine")
    page_link("try_imagine")

    st.header(t("learn.challenges.header"))
    st.markdown(t("learn.challenges.intro"))
    for challenge, links in (
        ("missing", ("crossmodal_missing", "robustness")),
        ("hetero", ("data", "features")),
        ("highdim", ("robustness_widths",)),
    ):
        st.subheader(t(f"learn.challenges.{challenge}_title"))
        st.markdown(t(f"learn.challenges.{challenge}"))
        for link in links:
            page_link(link)

    st.header(t("learn.faq.header"))
    faq_values = {"k": av_tensor["k"], "width": av_tensor["pca"], "n_train": av.n_train}
    for i in range(1, 7):
        with st.expander(t(f"learn.faq.q{i}")):
            st.markdown(t(f"learn.faq.a{i}", **faq_values))
