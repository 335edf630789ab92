"""The package version (ground floor: exports that stamp files with it import it from here)."""

__version__ = "0.1.0"
