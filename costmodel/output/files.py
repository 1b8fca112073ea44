"""Writing output files without destroying what was there.

:func:`write_files` writes several files all-or-nothing: every target is checked first (a missing folder, a
folder, an existing file without ``force``, a protected file such as the database in use: ``ValueError``
naming it, before any file is touched), regular files are staged in temporary files and renamed into place,
and a failure part-way removes the staged files, so no half-written file is ever left behind.

What a target is decides how it is written, as a plain ``open`` would write it:

- a **regular file** (or a new name): staged and renamed; an existing one only with ``force`` (it keeps its
  permissions);
- a **symbolic link**: followed; the file it points to is written (staged beside it), the link stays;
- a **character device or FIFO** (``/dev/null``, ``/dev/stdout``, a named pipe): opened and written in place,
  never replaced by a regular file, never given a sidecar;
- a socket, a block device or a folder: refused.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_files({folder / "a.csv": "x\\n1\\n", folder / "b.png": b"\\x89PNG"})
>>> sorted(p.name for p in folder.iterdir())
['a.csv', 'b.png']
>>> write_files({folder / "a.csv": "y\\n"})
Traceback (most recent call last):
ValueError: output '.../a.csv' exists; pass --force to replace it
>>> write_files({folder / "missing" / "c.csv": "x"})
Traceback (most recent call last):
ValueError: output '.../missing/c.csv': folder '.../missing' does not exist
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Mapping
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


def is_special(path: str | os.PathLike) -> bool:
    """True when ``path`` (links followed) is a character device or a FIFO: written in place, never replaced.

    >>> is_special("/dev/null"), is_special("/etc/hostname")
    (True, False)
    """
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _checked_target(path: str | os.PathLike, force: bool, protected: list[tuple[Path, str]]) -> tuple[Path, bool]:
    """``(where to write, written in place)`` for one target, or ``ValueError`` saying why it is refused."""
    given = Path(path)
    for other, why in protected:
        if _same_file(given, other):
            raise ValueError(f"output {str(given)!r} is {why}; it is never overwritten, choose another file")
    target = Path(os.path.realpath(given))  # through symbolic links, as open() goes
    if target.exists():
        mode = target.stat().st_mode
        if stat.S_ISDIR(mode):
            raise ValueError(f"output {str(given)!r} is a folder, not a file")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return target, True
        if not stat.S_ISREG(mode):
            raise ValueError(f"output {str(given)!r} is not a regular file (a socket or block device); refused")
        if not force:
            raise ValueError(f"output {str(given)!r} exists; pass --force to replace it")
    elif given.is_symlink():
        pass  # a dangling link: its target is created, as open() would
    folder = target.parent
    if not folder.is_dir():
        shown = given.parent if not given.is_symlink() else folder
        raise ValueError(f"output {str(given)!r}: folder {str(shown)!r} does not exist")
    return target, False


def check_targets(
    paths: Iterable[str | os.PathLike], *, force: bool = False, protect: Iterable[tuple[str | os.PathLike, str]] = ()
) -> None:
    """Refuse, as :func:`write_files` would, any of ``paths`` it would not write; before slow work is done."""
    protected = [(Path(p), why) for p, why in protect]
    for path in paths:
        _checked_target(path, force, protected)


def write_files(
    files: Mapping[str | os.PathLike, str | bytes],
    *,
    force: bool = False,
    protect: Iterable[tuple[str | os.PathLike, str]] = (),
) -> None:
    """Write every ``path → text or bytes`` as a set (UTF-8 text, ``\\n`` line ends as given); see the module.

    ``force`` allows replacing existing regular files. ``protect`` lists ``(path, what it is)`` pairs that are
    never written, force or not (the database in use: ``(db, "the database in use")``).
    """
    protected = [(Path(p), why) for p, why in protect]
    targets = [(*_checked_target(path, force, protected), content) for path, content in files.items()]
    staged: list[tuple[str, Path]] = []
    try:
        for target, in_place, content in targets:
            if in_place:
                continue
            data = content.encode("utf-8") if isinstance(content, str) else content
            try:
                handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
            except OSError as error:
                raise ValueError(f"output {str(target)!r} cannot be written: {error.strerror}") from None
            staged.append((temporary, target))
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            existing = target.stat().st_mode & 0o7777 if target.exists() else 0o666 & ~_umask()
            os.chmod(temporary, existing)
        for target, in_place, content in targets:  # devices and pipes: as a plain open() writes them
            if in_place:
                with open(target, "wb") as out:
                    out.write(content.encode("utf-8") if isinstance(content, str) else content)
        for temporary, target in staged:
            os.replace(temporary, target)
    except OSError as error:
        raise ValueError(f"output cannot be written: {error.strerror}") from None
    finally:
        for temporary, _ in staged:
            Path(temporary).unlink(missing_ok=True)
