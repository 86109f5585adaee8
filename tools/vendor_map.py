"""Fetch the console map's JavaScript libraries from the npm registry into
bot/web/static/vendor/, exactly as bot/web/static/vendor/SOURCES.json pins them.

The bot serves these files itself: a staff member's browser never asks a third-party CDN for
them (staff addresses must not leak, and a server may have no egress but the tile server).
Each release tarball is checked against the registry's published sha512 integrity before a
file is taken from it; each file's sha256 is then written to the manifest, and
tests/unit/test_vendor.py checks the committed files against it.

    python tools/vendor_map.py           # fetch, check, extract, record the file hashes
    python tools/vendor_map.py --check   # only verify the committed files (what the test does)

To move to a new release: change its version, tarball and integrity in SOURCES.json (from
`npm view <package>@<version> dist`), run this, read the library's changelog, run the
browser test.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sys
import tarfile
import urllib.request
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "bot" / "web" / "static" / "vendor"
MANIFEST = VENDOR / "SOURCES.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def served_as(package: dict, name: str) -> Path:
    """Where a release file lands: its package's folder, without the release's dist/ (so
    leaflet.css still finds its images/ beside it)."""
    return VENDOR / package["folder"] / name.removeprefix("dist/")


def fetch(package: dict) -> None:
    with urllib.request.urlopen(package["tarball"], timeout=60) as answer:
        tarball = answer.read()
    algorithm, _, expected = package["integrity"].partition("-")
    got = base64.b64encode(hashlib.new(algorithm, tarball).digest()).decode()
    if got != expected:
        raise SystemExit(f"{package['name']}: the tarball does not match its integrity")
    with tarfile.open(fileobj=io.BytesIO(tarball)) as archive:
        for name in package["files"]:
            member = archive.extractfile(f"package/{name}")
            if member is None:
                raise SystemExit(f"{package['name']}: {name} is not in the release")
            data = member.read()
            path = served_as(package, name)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            package["files"][name] = sha256(data)


def check(manifest: dict) -> list[str]:
    """What differs between the committed files and the manifest."""
    problems = []
    for package in manifest["packages"]:
        for name, digest in package["files"].items():
            path = served_as(package, name)
            if not path.exists():
                problems.append(f"missing: {path.relative_to(VENDOR)}")
            elif sha256(path.read_bytes()) != digest:
                problems.append(f"changed: {path.relative_to(VENDOR)}")
    return problems


def main() -> None:
    manifest = json.loads(MANIFEST.read_text())
    if "--check" not in sys.argv:
        for package in manifest["packages"]:
            fetch(package)
        MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    problems = check(manifest)
    print("\n".join(problems) or "the vendored files match SOURCES.json")
    raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
