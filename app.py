"""Home page: what mmdemo is, the bundled datasets, where to start."""

import streamlit as st

from mmdemo.datasets import BUNDLED
from mmdemo.ui.page import setup_page

setup_page(
    "mmdemo — multimodal & cross-modal learning",
    "🎛️",
    intro="Fuse image, sound and text of the same thing, and see when fusion helps. Works offline on bundled data.",
    pick_dataset=False,
)

left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown(
        """
**Multimodal learning** combines several views of one thing — a handwritten digit, the
spoken word, a text clue — to decide better than any one view alone.
**Cross-modal learning** builds a space the views share, to go from one to another.

In this app you can:
1. **Explore** the data of each modality,
2. **Train** a classifier on one modality or a fusion of several, and compare the fusion methods on the same held-out split,
3. **Look** at the feature space each modality and each fusion makes,
4. **Link** two modalities in a shared space: find the sound that goes with a picture,
5. **Break** a modality — blur, noise, typos, or take it away — and see which fusion survives, and why some tasks need ⊗,
6. **Try** your own drawing, photo, voice or words, and **build** a dataset with your class.

Every number is computed on held-out samples; each page states the seed and the split.
"""
    )
    st.subheader("Where to start")
    st.page_link("pages/1_Data_explorer.py", label="Data explorer — see, hear and read the samples", icon="🔎")
    st.page_link("pages/2_Train_and_compare.py", label="Train & compare — fusion methods side by side", icon="🏋️")
    st.page_link("pages/3_Feature_space.py", label="Feature space — 2-D/3-D maps of the features", icon="🗺️")
    st.page_link("pages/4_Cross_modal_lab.py", label="Cross-modal lab — shared spaces, retrieval, transfer", icon="🔗")
    st.page_link("pages/5_Robustness_lab.py", label="Robustness lab — corrupt a modality; ⊕ vs ⊗", icon="🛡️")
    st.page_link("pages/6_Try_it_yourself.py", label="Try it yourself — draw, photograph, record or type", icon="✍️")
    st.page_link("pages/7_Your_own_dataset.py", label="Your own dataset — your class's own samples", icon="🧺")

with right:
    st.subheader("Bundled datasets")
    for name, (_, summary) in BUNDLED.items():
        st.markdown(f"**{name}** — {summary}")
    st.subheader("Fusion at a glance")
    st.markdown(
        """
- **early ⊕** — concatenate the features, then classify
- **late** — one classifier per modality, combine their probabilities
- **tensor ⊗** — outer product of the modalities: learns interactions
"""
    )
    st.info(
        "Try **xor-shapes** on *Train & compare*: each modality alone is at chance, ⊕ fails, ⊗ succeeds.", icon="💡"
    )
