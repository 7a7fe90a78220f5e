"""Batches: many pieces from specs, seeds and a grid of varied fields, on a local process pool or a Ray
cluster, each with its files, its ground-truth annotations (`docs/annotations.md`) and a line of
`manifest.jsonl`.

    from composer.batch import compose_many
    for result in compose_many(["examples/minuet_in_g.yaml"], seeds="0-9", vary=["key=G major,D major"]):
        print(result.item.name, result.ok, [name for name, _ in result.files])
"""
from .annotations import SCHEMA, annotate
from .engines import ENGINES
from .items import BatchError, BatchItem, Invalid, Settings
from .run import BatchReport, compose_many, plan_batch, run_batch
from .work import ItemResult

__all__ = ["ENGINES", "SCHEMA", "BatchError", "BatchItem", "BatchReport", "Invalid", "ItemResult", "Settings",
           "annotate", "compose_many", "plan_batch", "run_batch"]
