"""Exception hierarchy for the corpus stage.

Library code raises these; the CLI maps them to one-line messages and exit
codes (2 for usage, 3 for environment or storage). Per-item fetch failures are
not raised out of a batch: ingest turns them into failure rows.
"""

from __future__ import annotations

import re

from .records import Status

# `scheme://user:password@` anywhere in a message; the password part is what must never be shown.
_CREDENTIALS = re.compile(r"""(?P<scheme>\b[A-Za-z][A-Za-z0-9+.\-]{0,30}://)(?P<user>[^\s/@:]*):(?P<password>[^\s/'"]*)@""")


def redact(text: str) -> str:
    """`text` with every URL password replaced by `***` (a --db URL in an error message, I20)."""
    return _CREDENTIALS.sub(lambda m: f"{m['scheme']}{m['user']}:***@", text)


class NewstraceError(Exception):
    """Base class for every error newstrace raises on purpose."""


class UsageError(NewstraceError):
    """The invocation or an input file is wrong; the message names the fix."""


class StoreError(NewstraceError):
    """The database cannot be opened, migrated or written (disk full, corrupt, locked)."""


class FetchError(NewstraceError):
    """One URL could not be turned into a response.

    `reason` is a stable machine-readable code such as ``http_404`` or
    ``non_public_address``; `status` says whether a rerun may succeed.
    """

    status: Status = Status.FAILED_PERMANENT

    def __init__(self, reason: str, message: str = "", *, attempts: int = 1,
                 retry_after: float | None = None, redirect_chain: tuple[str, ...] = ()):
        super().__init__(message or reason)
        self.reason = reason
        self.attempts = attempts
        self.retry_after = retry_after
        self.redirect_chain = redirect_chain


class TransientFetchError(FetchError):
    """Timeouts, 5xx, 429, truncated bodies: worth retrying later."""

    status = Status.FAILED_TRANSIENT


class PermanentFetchError(FetchError):
    """4xx, unsupported content, oversize bodies: retrying will not help."""

    status = Status.FAILED_PERMANENT


class BlockedError(FetchError):
    """Refused by policy: private address, scheme, robots.txt."""

    status = Status.BLOCKED
