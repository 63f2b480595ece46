"""Home page: what mmdemo is, the bundled datasets, where to start."""

import streamlit as st

from mmdemo.datasets import BUNDLED
from mmdemo.ui.i18n import t, table
from mmdemo.ui.page import PAGES, setup_page

setup_page("home", pick_dataset=False)


left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown(t("home.body"))
    st.subheader(t("home.start"))
    for key, page in list(PAGES.items())[1:]:
        st.page_link(page.script, label=t(f"home.link.{key}"), icon=page.icon)

with right:
    st.subheader(t("home.datasets"))
    summaries = table("home.dataset")
    for name, (_, summary) in BUNDLED.items():
        st.markdown(t("home.dataset_line", name=name, summary=summaries.get(name, summary)))
    st.subheader(t("home.fusion"))
    st.markdown(t("home.fusion_list"))
    st.info(t("home.tip"), icon="💡")
