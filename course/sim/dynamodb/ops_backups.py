"""On-demand backups, point-in-time recovery, restores, export to and import from S3."""

from __future__ import annotations


class BackupOps:
    HANDLES: tuple[str, ...] = ()
