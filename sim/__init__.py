"""Operation Kalbajar (Dec 1993 - Feb 1994) as a Mesa agent-based model on real terrain."""
