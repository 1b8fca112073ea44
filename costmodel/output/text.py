"""Small text helpers shared by every writer: thousands separators and LaTeX escaping.

>>> format_number(1320648), format_number(0.5)
('1,320,648', '0.50')
"""

from __future__ import annotations

from fractions import Fraction


def format_number(value) -> str:
    """Thousands separators; non-integers with two decimals."""
    if isinstance(value, Fraction):
        value = float(value)
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


LATEX_SPECIALS = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    # pdflatex's default input encoding has no Greek letters or maths signs: write them as maths.
    "α": r"$\alpha$", "β": r"$\beta$", "γ": r"$\gamma$", "ρ": r"$\rho$", "×": r"$\times$",
    "≈": r"$\approx$", "≤": r"$\leq$", "≥": r"$\geq$", "²": r"$^2$",
}  # fmt: skip


def latex_escape(text: str) -> str:
    """Escape LaTeX's special characters.

    >>> latex_escape("Conv2d_1 & 50%")
    'Conv2d\\\\_1 \\\\& 50\\\\%'
    """
    return "".join(LATEX_SPECIALS.get(ch, ch) for ch in text)


def format_bytes(value: int) -> str:
    """Bytes with thousands separators and the binary size beside them.

    >>> format_bytes(327680), format_bytes(1204224), format_bytes(512)
    ('327,680 B (320 KiB)', '1,204,224 B (1.15 MiB)', '512 B')
    """
    value = int(value)
    for unit, size in (("GiB", 2**30), ("MiB", 2**20), ("KiB", 2**10)):
        if abs(value) >= size:
            return f"{value:,} B ({value / size:.3g} {unit})"
    return f"{value:,} B"
