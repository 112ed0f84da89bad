"""The one exception the store raises for problems the learner has to act on."""

from __future__ import annotations


class StoreError(Exception):
    """Progress cannot be used safely, and carrying on could destroy it.

    The message is written for the learner (what happened, what to do), because
    the app shows it as is instead of a traceback.
    """
