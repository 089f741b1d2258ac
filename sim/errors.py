"""Errors in what a user gives the model, and reading the files that hold it."""

from __future__ import annotations

from pathlib import Path


class ScenarioError(ValueError):
    """A scenario that cannot be loaded; the message names file, key, value and expectation."""


def read_text_file(path: Path, what: str = "scenario file") -> str:
    """A file's text as UTF-8, or a ScenarioError naming it (missing, a folder, not text)."""
    if path.is_dir():
        raise ScenarioError(f"{path}: a folder; expected a {what}")
    if not path.is_file():
        raise ScenarioError(f"{path}: {what} not found")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot be read ({exc.strerror}); expected a readable "
                            f"{what}") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ScenarioError(f"{path}: line {line}: byte 0x{data[exc.start]:02X} is not UTF-8; "
                            f"expected a {what} saved as UTF-8 text") from None
