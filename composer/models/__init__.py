"""Neural models of the composer, and the safe loading of their weights.

This is the only package of `composer` that may import torch, and `composer/__init__.py`
never imports it, so `import composer` stays free of torch. `weights` imports torch
inside its functions, so `WeightsError` can be caught without loading torch.

    from composer.models import load_weights, save_weights
    manifest = save_weights(model.state_dict(), "melody.pt", config={...}, vocabulary_version="1",
                            corpus="...", licence="CC0-1.0", command="python -m ...")
    tensors, manifest = load_weights("melody.pt", expected_sha256=manifest["sha256"])
"""
from .weights import MANIFEST_FORMAT, WeightsError, load_weights, manifest_path, save_weights

__all__ = ["MANIFEST_FORMAT", "WeightsError", "load_weights", "manifest_path", "save_weights"]
