"""The whole catalog as one document: export it, import it, and read or write it as text.

`format` holds the document's kinds of record and its text, `checks` what an import
checks before it writes, `importer` and `exporter` the two directions. The format is
described in docs/transfer.md.
"""

from app.transfer.exporter import export_catalog
from app.transfer.format import dump, load
from app.transfer.importer import DEFAULT_BATCH_SIZE, import_catalog

__all__ = ["DEFAULT_BATCH_SIZE", "dump", "export_catalog", "import_catalog", "load"]
