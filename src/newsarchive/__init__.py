"""newsarchive: turn collected news coverage into a static, searchable, citable website."""

__version__ = "0.1.0"
