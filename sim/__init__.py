"""Operation Kalbajar (Dec 1993 - Feb 1994) as a Mesa agent-based model on real terrain."""

__all__ = ["load_batch"]


def __getattr__(name: str):
    """``sim.load_batch`` without importing the whole model with the package."""
    if name == "load_batch":
        from .store import load_batch

        return load_batch
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
