"""Writing several output files all-or-nothing: everything is staged in temporary files, then renamed.

A bad path (missing or unwritable folder) raises ``ValueError`` naming it before any file is touched,
and a failure part-way removes the staged files, so no half-written file is ever left behind.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_files({folder / "a.csv": "x\\n1\\n", folder / "b.png": b"\\x89PNG"})
>>> sorted(p.name for p in folder.iterdir())
['a.csv', 'b.png']
>>> write_files({folder / "missing" / "c.csv": "x"})
Traceback (most recent call last):
ValueError: output '.../missing/c.csv': folder '.../missing' does not exist
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def ensure_folder(path: str | os.PathLike) -> Path:
    """Create the output folder ``path`` (and its parents) or raise ``ValueError`` saying why not."""
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"output folder {str(folder)!r} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ValueError(f"output folder {str(folder)!r} cannot be created: {error.strerror}") from None
    return folder


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_files(files: Mapping[str | os.PathLike, str | bytes]) -> None:
    """Write every ``path → text or bytes`` atomically as a set (UTF-8 text, ``\\n`` line ends as given)."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, content in files.items():
            target = Path(path)
            folder = target.parent
            if not folder.is_dir():
                raise ValueError(f"output {str(target)!r}: folder {str(folder)!r} does not exist")
            if target.is_dir():
                raise ValueError(f"output {str(target)!r} is a folder, not a file")
            try:
                handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
            except OSError as error:
                raise ValueError(f"output {str(target)!r} cannot be written: {error.strerror}") from None
            staged.append((temporary, target))
            data = content.encode("utf-8") if isinstance(content, str) else content
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.chmod(temporary, 0o666 & ~_umask())
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as error:
        raise ValueError(f"output cannot be written: {error.strerror}") from None
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
