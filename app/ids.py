"""Component ids of the dashboard, defined once; pages and tests import them from here.

Ids are prefixed by their page (``explore-``, ``frontier-``, ...); the app shell's ids by ``shell-``.
"""

# App shell (present on every page).
SHELL_NAVBAR = "shell-navbar"
SHELL_DESIGN_POINT = "shell-design-point"
"""A session store holding the explorer's current design point (query-string form), read by other pages."""

# Explorer: controls.
EXPLORE_URL = "explore-url"
EXPLORE_ALPHA_SLIDER = "explore-alpha-slider"
EXPLORE_ALPHA_INPUT = "explore-alpha-input"
EXPLORE_ALPHA_ERROR = "explore-alpha-error"
EXPLORE_SIDE_MODE = "explore-side-mode"
EXPLORE_SIDE_INPUT = "explore-side-input"
EXPLORE_SIDE_ERROR = "explore-side-error"
EXPLORE_ROUNDING = "explore-rounding"
EXPLORE_PADDING = "explore-padding"
EXPLORE_BN = "explore-bn"
EXPLORE_CLASSES = "explore-classes"
EXPLORE_CLASSES_ERROR = "explore-classes-error"
EXPLORE_FLAGS = "explore-flags"
EXPLORE_RESET = "explore-reset"

# Explorer: outputs.
EXPLORE_SUMMARY = "explore-summary"
EXPLORE_CARDS = "explore-cards"
EXPLORE_NOTES = "explore-notes"
EXPLORE_LAYER_GRAPH = "explore-layer-graph"
EXPLORE_FORMULAS = "explore-formulas"
EXPLORE_REDUCTION = "explore-reduction"
EXPLORE_PERMALINK = "explore-permalink"
EXPLORE_DOWNLOAD_CSV = "explore-download-csv"
EXPLORE_DOWNLOAD_LATEX = "explore-download-latex"
EXPLORE_DOWNLOAD = "explore-download"

# Frontier.
FRONTIER_X_METRIC = "frontier-x-metric"
FRONTIER_LOG_X = "frontier-log-x"
FRONTIER_SOURCES = "frontier-sources"
FRONTIER_PRECISION = "frontier-precision"
FRONTIER_BUDGET = "frontier-budget"
FRONTIER_BUDGET_ERROR = "frontier-budget-error"
FRONTIER_GRAPH = "frontier-graph"
FRONTIER_BEST = "frontier-best"
FRONTIER_POINT = "frontier-point"
FRONTIER_DOWNLOAD_PNG = "frontier-download-png"
FRONTIER_DOWNLOAD_SVG = "frontier-download-svg"
FRONTIER_DOWNLOAD_CSV = "frontier-download-csv"
FRONTIER_DOWNLOAD = "frontier-download"
FRONTIER_DOWNLOAD_ERROR = "frontier-download-error"

# Conventions.
CONVENTIONS_POINT = "conventions-point"
CONVENTIONS_TABLE = "conventions-table"
CONVENTIONS_GRAPH = "conventions-graph"
CONVENTIONS_METRIC = "conventions-metric"

# Tables.
TABLES_CHOICE = "tables-choice"
TABLES_SOURCE = "tables-source"
TABLES_TABLE = "tables-table"
TABLES_ERRATA = "tables-errata"
TABLES_DOWNLOAD_BUTTON = "tables-download-button"
TABLES_DOWNLOAD = "tables-download"

# Latency.
LATENCY_UPLOAD = "latency-upload"
LATENCY_DEVICE = "latency-device"
LATENCY_RUNTIME = "latency-runtime"
LATENCY_NEW_NAME = "latency-new-name"
LATENCY_UPLOAD_MESSAGE = "latency-upload-message"
LATENCY_UPLOAD_ERROR = "latency-upload-error"
LATENCY_DATASET = "latency-dataset"
LATENCY_RENAME_TO = "latency-rename-to"
LATENCY_RENAME = "latency-rename"
LATENCY_DELETE = "latency-delete"
LATENCY_DELETE_CONFIRM = "latency-delete-confirm"
LATENCY_MANAGE_MESSAGE = "latency-manage-message"
LATENCY_MANAGE_ERROR = "latency-manage-error"
LATENCY_DATASETS_TABLE = "latency-datasets-table"
LATENCY_SUMMARY = "latency-summary"
LATENCY_GRAPH = "latency-graph"
LATENCY_RESIDUALS = "latency-residuals"
LATENCY_MODEL = "latency-model"
