"""Cross-modal learning: shared spaces, retrieval and transfer.

- `spaces`: `CCASpace`, `PLSSpace`, `KernelCCASpace` (two modalities -> one space), `SHARED_SPACES`;
- `retrieval`: rank one modality's samples for queries from another, and score the ranking;
- `transfer`: train on one modality in the shared space, test on another;
- `lab`: `shared_space_experiment`, one call per result for the Cross-modal lab page and the CLI.

The strategies for a missing modality are fusion-level estimators: `mmdemo.fusion.missing`.

Every public name of these modules is re-exported here (librosa style).
"""

from __future__ import annotations

from mmdemo.crossmodal import lab, retrieval, spaces, transfer
from mmdemo.crossmodal.lab import *  # noqa: F403
from mmdemo.crossmodal.retrieval import *  # noqa: F403
from mmdemo.crossmodal.spaces import *  # noqa: F403
from mmdemo.crossmodal.transfer import *  # noqa: F403

__all__ = [*spaces.__all__, *retrieval.__all__, *transfer.__all__, *lab.__all__]
