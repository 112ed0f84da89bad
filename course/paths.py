"""Where the bundled course and the learner's data live.

The bundled course is an ordinary pack. Installed from a wheel it sits inside the
package (``course/_pack``); in a source checkout it is the repository root.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

APP_NAME = "coldstart"


def bundled_pack_dir() -> Path:
    packaged = Path(str(resources.files("course"))) / "_pack"
    if (packaged / "pack.yaml").is_file():
        return packaged
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pack.yaml").is_file():
        return checkout
    raise FileNotFoundError("the bundled course is missing: no pack.yaml next to the course package")


def data_dir() -> Path:
    """The learner's data directory; ``COLDSTART_HOME`` overrides the platform default."""
    override = os.environ.get("COLDSTART_HOME")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))
