"""Hotline: a phone line for peer-support groups that works on any phone."""

from __future__ import annotations

__version__ = "0.1.0"
