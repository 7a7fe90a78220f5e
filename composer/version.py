"""partita's version: the one place it is written (`pyproject.toml` reads it from here, statically).

Files record it (MIDI and MusicXML provenance, piece files, batch digests); reading it from here
rather than from the installed metadata spares a cold start `importlib.metadata` (10 ms).
"""
VERSION = "0.1.0"
