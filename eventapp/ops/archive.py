"""The backup's files: the manifest, checksums, the uploads tree, and .tar.gz packing.

A backup is a folder (or that folder as a .tar.gz) holding ``manifest.json``, the database
(``database.sqlite`` or ``database.dump``) and ``uploads/``. The manifest lists every other
file with its SHA-256, so a damaged or incomplete backup is refused before anything changes.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tarfile
import tempfile
from pathlib import Path

from eventapp.ops.dbinfo import OpsError

MANIFEST = "manifest.json"
FORMAT = 1
UPLOADS = "uploads"
TAR_SUFFIXES = (".tar.gz", ".tgz")


def is_tarball(path: Path) -> bool:
    return path.name.lower().endswith(TAR_SUFFIXES)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(root: Path) -> dict[str, str]:
    """``{relative posix path: sha256}`` of every file under ``root`` but the manifest."""
    return {p.relative_to(root).as_posix(): sha256(p) for p in sorted(root.rglob("*"))
            if p.is_file() and p != root / MANIFEST}


def copy_tree(source: Path, target: Path) -> tuple[int, list[str]]:
    """Copy the files under ``source`` into ``target``; returns (files copied, vanished).

    Files may be deleted while we walk (a unit replacing its document): those are skipped
    and listed, never an error. Symbolic links are not followed.
    """
    copied, vanished = 0, []
    if not source.is_dir():
        return 0, []
    for path in sorted(source.rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(path, destination)
        except FileNotFoundError:
            vanished.append(path.relative_to(source).as_posix())
            continue
        copied += 1
    return copied, vanished


def folder_is_empty(path: Path) -> bool:
    return not path.exists() or not any(path.iterdir())


def write_manifest(root: Path, manifest: dict) -> dict:
    manifest = {"format": FORMAT, **manifest, "files": checksums(root)}
    (root / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2),
                                 encoding="utf-8")
    return manifest


def read_manifest(root: Path) -> dict:
    """The manifest, after checking that every listed file is present and intact."""
    path = root / MANIFEST
    if not path.is_file():
        raise OpsError(f"{root}: không phải bản sao lưu của hệ thống (thiếu {MANIFEST}).")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise OpsError(f"{path}: tệp mô tả bị hỏng.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise OpsError(f"{path}: định dạng sao lưu không được hỗ trợ.")
    bad = []
    for name, digest in manifest.get("files", {}).items():
        file = root / name
        if not file.is_file():
            bad.append(f"thiếu {name}")
        elif sha256(file) != digest:
            bad.append(f"sai mã kiểm tra {name}")
    if bad:
        raise OpsError("Bản sao lưu không toàn vẹn, không khôi phục: " + "; ".join(bad[:10])
                       + (f" (và {len(bad) - 10} lỗi khác)" if len(bad) > 10 else "") + ".")
    return manifest


def staging_for(dest: Path) -> Path:
    """A fresh folder beside ``dest`` to build the backup in; renamed or packed at the end,
    so a backup that stops half-way never looks complete."""
    if dest.exists() and not (dest.is_dir() and folder_is_empty(dest)):
        raise OpsError(f"{dest} đã tồn tại; chọn một tên mới cho bản sao lưu.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".partial", dir=dest.parent))


def finish(staging: Path, dest: Path) -> None:
    """Move the finished backup to ``dest`` (a folder, or a .tar.gz)."""
    if is_tarball(dest):
        partial = dest.with_name(dest.name + ".partial")
        # Password hashes and personal data: readable by the owner only, like the folder.
        partial.touch(mode=0o600, exist_ok=False)
        with tarfile.open(partial, "w:gz") as tar:
            for path in sorted(staging.iterdir()):
                tar.add(path, arcname=path.name)
        partial.replace(dest)
        shutil.rmtree(staging)
        return
    if dest.exists():
        dest.rmdir()  # checked empty in staging_for
    staging.replace(dest)


def open_backup(source: Path) -> tuple[Path, Path | None]:
    """The folder to restore from, and a temporary folder to delete afterwards (tarballs)."""
    if source.is_dir():
        return source, None
    if not source.is_file():
        raise OpsError(f"Không tìm thấy bản sao lưu {source}.")
    scratch = Path(tempfile.mkdtemp(prefix="eventapp-restore-"))
    try:
        with tarfile.open(source, "r:*") as tar:
            _extract(tar, scratch, source)
    except (tarfile.TarError, OSError) as error:
        shutil.rmtree(scratch, ignore_errors=True)
        raise OpsError(f"{source}: không giải nén được ({error}).") from None
    except OpsError:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    return scratch, scratch


def _extract(tar: tarfile.TarFile, target: Path, source: Path) -> None:
    """Extract only plain files and folders that stay inside ``target``.

    Checked here because Python's own ``filter="data"`` is missing from some 3.11 builds
    (Debian 12 ships 3.11.2); it is used as well where it exists.
    """
    root = target.resolve()
    for member in tar.getmembers():
        inside = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or not inside.is_relative_to(root):
            raise OpsError(f"{source}: tệp nén chứa mục không hợp lệ ({member.name}).")
    if hasattr(tarfile, "data_filter"):
        tar.extractall(target, filter="data")
    else:
        tar.extractall(target)  # noqa: S202  (every member checked above)
