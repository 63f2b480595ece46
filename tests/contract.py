"""The command-line contract of ../shared/DESIGN.md, written down once for the tests."""

#: Keys every `train --json` object (and every `compare` result) must carry.
TRAIN_KEYS = frozenset(
    {
        "dataset",
        "modalities",
        "fusion",
        "classifier",
        "accuracy",
        "macro_f1",
        "per_modality",
        "n_train",
        "n_test",
        "fit_seconds",
    }
)
