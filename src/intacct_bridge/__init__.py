"""intacct-bridge: operations ↔ Sage Intacct integration, with an offline Intacct sandbox."""

__version__ = "0.1.0"

__all__ = ["__version__"]
