"""Experiments: the floor above the model, where samples are split, models trained and scored.

- `evaluate`: `train_and_evaluate`, `compare`, `cross_validate`, `missing_modality_report`;
- `robustness`: `RobustnessLab`, accuracy as a modality is corrupted or removed;
- `interactions`: the ⊕ vs ⊗ lesson on xor-shapes;
- `crossmodal`: `shared_space_experiment`, one call per result for the Cross-modal lab and the CLI;
- `feature_space`: `feature_map`, the Feature space page's projections.

Nothing below this floor imports it; the CLI and the UI call it. Import the module you need
(``from mmdemo.experiments.evaluate import compare``): each pulls in scikit-learn models.
"""
