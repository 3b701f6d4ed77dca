"""Intake: operations data from JSON Lines and CSV files (or Python values) into the store.

See ``docs/operations-model.md`` for the file formats.
"""

from intacct_bridge.intake.service import (
    ImportFormatError,
    ImportReport,
    RowError,
    import_file,
    import_records,
    import_text,
)

__all__ = [
    "ImportFormatError",
    "ImportReport",
    "RowError",
    "import_file",
    "import_records",
    "import_text",
]
