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

#: Keys every `retrieve --json` object must carry (DESIGN's four first, then the lab's).
RETRIEVE_KEYS = frozenset(
    {
        "recall_at_1",
        "recall_at_5",
        "recall_at_10",
        "mean_average_precision",
        "precision_at_1",
        "precision_at_5",
        "precision_at_10",
        "median_rank",
        "instance_pairs",
        "chance_map",
        "query",
        "target",
        "method",
        "n_queries",
        "correlations",
    }
)
