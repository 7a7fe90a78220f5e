"""Training corpora: manifests of music21 corpus collections, and a cached loader.

    from corpora import load_corpus, manifest_names
    corpus = load_corpus("oneills1850")          # parses once (progress bar), then reads the cache
    train = corpus.subset("train")
    for tune in train.tunes(): ...

Each manifest (``corpora/manifests/<name>.yaml``) names the music21 collection, its licence
and source, the selection (files, parts, filters) and a fixed train/validation/test split by
tune. The loader parses with music21 once and caches compact arrays (``.npz``) keyed by the
manifest's content, the extractor's version and the music21 version, so a second load takes
well under a second.
"""
from .errors import CorpusError
from .loader import Corpus, Tune, cache_dir, load_corpora, load_corpus
from .manifest import Manifest, load_manifest, manifest_names

__all__ = ["Corpus", "CorpusError", "Manifest", "Tune", "cache_dir", "load_corpora", "load_corpus", "load_manifest",
           "manifest_names"]
