"""Home page: what mmdemo is, the bundled datasets, where to start."""

import streamlit as st

from mmdemo.datasets import BUNDLED
from mmdemo.ui.i18n import t, table
from mmdemo.ui.page import setup_page

setup_page(t("home.title"), "🎛️", intro=t("home.intro"), pick_dataset=False)

#: Page -> (key of its link label, icon).
LINKS = {
    "pages/1_Data_explorer.py": ("explorer", "🔎"),
    "pages/2_Train_and_compare.py": ("train", "🏋️"),
    "pages/3_Feature_space.py": ("space", "🗺️"),
    "pages/4_Cross_modal_lab.py": ("crossmodal", "🔗"),
    "pages/5_Robustness_lab.py": ("robustness", "🛡️"),
    "pages/6_Try_it_yourself.py": ("try", "✍️"),
    "pages/7_Your_own_dataset.py": ("own", "🧺"),
}

left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown(t("home.body"))
    st.subheader(t("home.start"))
    for page, (key, icon) in LINKS.items():
        st.page_link(page, label=t(f"home.link.{key}"), icon=icon)

with right:
    st.subheader(t("home.datasets"))
    summaries = table("home.dataset")
    for name, (_, summary) in BUNDLED.items():
        st.markdown(t("home.dataset_line", name=name, summary=summaries.get(name, summary)))
    st.subheader(t("home.fusion"))
    st.markdown(t("home.fusion_list"))
    st.info(t("home.tip"), icon="💡")
