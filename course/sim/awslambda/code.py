"""A function's code, frozen at the moment it is deployed.

Lambda copies the package when a function is created or its code updated, and
a published version keeps that copy forever. The simulator does the same: the
learner's folder (a template's ``CodeUri``), inline ``ZipFile`` source or an
uploaded zip is copied into a private folder the handler's process runs from,
so editing a file after deploying changes nothing until the next deploy, and
version 1 still runs version 1's code after ``$LATEST`` moves on.
"""

from __future__ import annotations

import base64
import hashlib
import io
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from course.sim.awslambda.config import UNZIPPED_MAX_BYTES
from course.sim.awslambda.errors import InvalidParameterValueException

#: File CloudFormation writes inline ``ZipFile`` source to, by runtime family.
_INLINE_NAMES = {"python": "index.py", "nodejs": "index.js", "ruby": "index.rb"}
_FIXED_TIME = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class CodeBundle:
    code_dir: Path | None
    sha256: str
    size: int
    image_uri: str | None = None


class CodeStore:
    """The private folders holding every deployed package of one service; removed on close."""

    def __init__(self):
        self._root: Path | None = None
        self._count = 0

    def _new_dir(self) -> Path:
        if self._root is None:
            self._root = Path(tempfile.mkdtemp(prefix="coldstart-lambda-"))
        self._count += 1
        path = self._root / f"code-{self._count}"
        path.mkdir()
        return path

    def close(self) -> None:
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None

    def store(self, code, runtime: str | None) -> CodeBundle:
        """``code`` as the API or a template gives it: a folder path (bare, or as the template layer's
        ``{"LocalPath": ...}``), or a dict with ZipFile, ImageUri or an S3 location."""
        if isinstance(code, (str, Path)):
            return self._from_path(Path(code))
        code = dict(code or {})
        if code.get("LocalPath"):
            return self._from_path(Path(code["LocalPath"]))
        if code.get("ImageUri"):
            uri = code["ImageUri"]
            return CodeBundle(None, _b64sha(uri.encode()), 0, uri)
        if code.get("S3Bucket") or code.get("S3Key"):
            raise InvalidParameterValueException("Coldstart's simulator cannot read code from Amazon S3 "
                                                 f"(s3://{code.get('S3Bucket')}/{code.get('S3Key')}); "
                                                 "use a local folder (CodeUri) or inline code (ZipFile).")
        if "ZipFile" in code:
            body = code["ZipFile"]
            if isinstance(body, str):
                return self._inline(body, runtime)
            return self._unzip(bytes(body))
        raise InvalidParameterValueException("Please provide a source for function code.")

    def _inline(self, source: str, runtime: str | None) -> CodeBundle:
        family = (runtime or "").rstrip("0123456789.x")
        target = self._new_dir()
        (target / _INLINE_NAMES.get(family, "index")).write_text(source, encoding="utf-8")
        return _bundle(target)

    def _unzip(self, data: bytes) -> CodeBundle:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            infos = archive.infolist()
        except zipfile.BadZipFile:
            raise InvalidParameterValueException("Could not unzip uploaded file. Please "
                                                 "check your file, then try to upload again.")
        if sum(info.file_size for info in infos) > UNZIPPED_MAX_BYTES:
            raise InvalidParameterValueException(f"Unzipped size must be smaller than {UNZIPPED_MAX_BYTES} bytes")
        target = self._new_dir()
        for info in infos:
            destination = (target / info.filename).resolve()
            if target.resolve() not in destination.parents and destination != target.resolve():
                raise InvalidParameterValueException("Could not unzip uploaded file. Please "
                                                     "check your file, then try to upload again.")
            if info.is_dir():
                destination.mkdir(parents=True, exist_ok=True)
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(info))
        return CodeBundle(target, _b64sha(data), len(data))

    def _from_path(self, source: Path) -> CodeBundle:
        if not source.exists():
            raise InvalidParameterValueException(f"Code location {source} does not exist.")
        if source.is_file() and source.suffix == ".zip":
            return self._unzip(source.read_bytes())
        files = [source] if source.is_file() else [p for p in source.rglob("*") if p.is_file()
                                                   and "__pycache__" not in p.parts]
        if sum(p.stat().st_size for p in files) > UNZIPPED_MAX_BYTES:
            raise InvalidParameterValueException(f"Unzipped size must be smaller than {UNZIPPED_MAX_BYTES} bytes")
        target = self._new_dir()
        if source.is_file():
            shutil.copy2(source, target / source.name)
        else:
            shutil.copytree(source, target, dirs_exist_ok=True, ignore=shutil.ignore_patterns("__pycache__"))
        return _bundle(target)


def _b64sha(data: bytes) -> str:
    return base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")


def _bundle(folder: Path) -> CodeBundle:
    """CodeSize and CodeSha256 describe the zip Lambda would store, so zip the folder the same way each time."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = zipfile.ZipInfo(path.relative_to(folder).as_posix(), _FIXED_TIME)
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    data = buffer.getvalue()
    return CodeBundle(folder, _b64sha(data), len(data))
