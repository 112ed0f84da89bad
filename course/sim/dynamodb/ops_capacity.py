"""Provisioned throttling with burst capacity, on-demand billing, switching limits and table classes."""

from __future__ import annotations


class CapacityOps:
    HANDLES: tuple[str, ...] = ()
