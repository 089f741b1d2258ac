"""Operation Kalbajar (Dec 1993 - Feb 1994) as a Mesa agent-based model on real terrain."""

from .store import load_batch

__all__ = ["load_batch"]
