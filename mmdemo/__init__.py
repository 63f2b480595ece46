"""mmdemo: multimodal and cross-modal learning for teaching and exploring.

The core (everything but `mmdemo.ui`) is plain Python: no Streamlit.

Examples
--------
>>> from mmdemo.datasets import load_dataset
>>> from mmdemo.experiments.evaluate import train_and_evaluate
>>> result, model = train_and_evaluate(load_dataset("xor-shapes"), fusion="tensor")
>>> result.accuracy > 0.9
True
"""

__version__ = "0.2.0"
__all__ = ["__version__"]
