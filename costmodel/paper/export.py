"""The files of ``mobilenet-cost paper --out DIR``: each paper table as CSV, LaTeX and Markdown, plus a README.

>>> files = paper_files()
>>> sorted(files)[:4]
['README.md', 'table10_stanford_dogs.csv', 'table10_stanford_dogs.md', 'table10_stanford_dogs.tex']
>>> len(files)
28
"""

from __future__ import annotations

from costmodel.output.table import columns_description
from costmodel.paper.tables import PAPER, PaperTable, paper_tables

FORMATS = {"csv": "to_csv", "tex": "to_latex", "md": "to_markdown"}


def paper_files(tables: tuple[PaperTable, ...] | None = None) -> dict[str, str]:
    """File name → text for every table in every format, and ``README.md`` describing them."""
    tables = paper_tables() if tables is None else tables
    files = {
        f"{t.stem}.{suffix}": getattr(t.table, method)() for t in tables for suffix, method in FORMATS.items()
    }
    files["README.md"] = readme(tables)
    return files


def readme(tables: tuple[PaperTable, ...]) -> str:
    """What each file is, which convention it uses, and what each CSV column holds."""
    lines = [
        "# MobileNet v1 paper tables, regenerated",
        "",
        f"Cost tables of {PAPER}, printed values beside the exact model (`mobilenet-cost paper`).",
        "Each table comes as `.csv` (exact values, one header row, no index column; text cells that a",
        "spreadsheet would run as formulas start with an apostrophe), `.tex` (a booktabs `table` float:",
        "`\\usepackage{booktabs}` is all it needs) and `.md` (a pipe table with the caption and footnotes).",
        "",
        "Vocabulary: a mult-add (MAC) is one multiply-accumulate of a convolution or the classifier; BN,",
        "activations, pooling and bias adds are not counted. FLOPs = 2 × MACs. Params = conv and classifier",
        "weights + classifier bias (no BN), unless a table says otherwise.",
        "",
        "Check columns: `matches` = the model rounded half up to the printed decimals equals the printed value;",
        "`continuous rho` = only the printed ρ taken as a continuous factor gives it (ρ = 0.714 is 159.936 px,",
        "the paper's rule); `differs` = neither. Every cell that does not",
        "match has a footnote (in the `.tex` and `.md` files, and listed below) with what the architecture",
        "gives and the reason, where known. Accuracy columns are copied from the paper for context.",
        "",
    ]
    for t in tables:
        lines += [
            f"## Table {t.number}: {t.title}",
            "",
            f"Files: `{t.stem}.csv`, `{t.stem}.tex`, `{t.stem}.md`.",
            "",
            f"Convention: {t.convention}.",
            "",
            "| CSV column | holds |",
            "|:---|:---|",
            *(f"| `{k}` | {v} |" for k, v in columns_description(t.table.columns).items()),
            "",
            *(f"- Footnote {mark}: {text}" for mark, text in t.table.footnotes),
            *([""] if t.table.footnotes else []),
        ]
    return "\n".join(lines)
