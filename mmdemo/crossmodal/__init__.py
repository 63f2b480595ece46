"""Cross-modal learning: shared spaces, retrieval and transfer.

- `spaces`: `CCASpace`, `PLSSpace`, `KernelCCASpace`, `ContrastiveSpace` (two modalities -> one space), `SHARED_SPACES`;
- `contrastive`: `InfoNCE`, the two-view link of the contrastive space;
- `retrieval`: rank one modality's samples for queries from another, and score the ranking;
- `transfer`: train on one modality in the shared space, test on another.

The experiment the Cross-modal lab and the CLI run on a dataset is `mmdemo.experiments.crossmodal`;
the strategies for a missing modality are fusion-level estimators, `mmdemo.fusion.missing`.

Every public name of these modules is re-exported here (librosa style).
"""

from __future__ import annotations

from mmdemo.crossmodal import retrieval, spaces, transfer
from mmdemo.crossmodal.retrieval import *  # noqa: F403
from mmdemo.crossmodal.spaces import *  # noqa: F403
from mmdemo.crossmodal.transfer import *  # noqa: F403

__all__ = [*spaces.__all__, *retrieval.__all__, *transfer.__all__]
