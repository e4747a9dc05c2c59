"""qualitycheck: text-quality and corruption detector for scraped news.

    >>> import qualitycheck
    >>> report = qualitycheck.check("Some article text.\\n\\nLeave a Comment")
    >>> report.verdict, report.labels
"""
from .checker import Checker, check
from .config import Config
from .document import DocumentReport

__all__ = ["Checker", "Config", "DocumentReport", "check"]
__version__ = "0.1.0"
