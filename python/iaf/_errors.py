"""The exceptions iaf raises: one class per libiaf status, all iaf.Error."""

__all__ = ["Error", "IOError_", "ParseError", "UnsupportedError", "InvalidError",
           "LimitError", "make_error"]


class Error(Exception):
    """An error of libiaf, with where it happened.

    Attributes: status ("io", "parse", "unsupported", "nomem", "invalid",
    "limit"), file ("" when not about a file), line and column (1-based, 0
    when not applicable), offset (byte offset in a binary file, -1 when not
    applicable), where (row group, column, page), message (the sentence
    alone). str(e) is the located form the iaf tool prints:
    "FILE:LINE:COL: message".
    """

    def __init__(self, text, status="invalid", file="", line=0, column=0, offset=-1,
                 where="", message=""):
        super().__init__(text)
        self.status = status
        self.file = file
        self.line = line
        self.column = column
        self.offset = offset
        self.where = where
        self.message = message or text


class IOError_(Error, OSError):
    """A file could not be opened, read or written."""


class ParseError(Error, ValueError):
    """Malformed input; the error says the file and the place."""


class UnsupportedError(Error, ValueError):
    """Valid input that uses a feature iaf does not read."""


class InvalidError(Error, ValueError):
    """A semantically invalid spec, argument or data."""


class LimitError(Error, ValueError):
    """A size in the input exceeds a safety cap."""


class _NoMemory(Error, MemoryError):
    """Out of memory."""


_BY_STATUS = {"io": IOError_, "parse": ParseError, "unsupported": UnsupportedError,
              "invalid": InvalidError, "limit": LimitError, "nomem": _NoMemory}


def make_error(status, file, line, column, offset, where, message, text):
    cls = _BY_STATUS.get(status, Error)
    return cls(text, status=status, file=file, line=line, column=column, offset=offset,
               where=where, message=message)
