"""The console map's libraries are the pinned releases, whole, with their licences: each
file's sha256 is the one tools/vendor_map.py recorded from the release checked against the
npm registry's integrity; no page loads a script from anywhere but the bot (and Telegram's
own, for sign-in)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENDOR = ROOT / "bot" / "web" / "static" / "vendor"
sys.path.insert(0, str(ROOT / "tools"))

import vendor_map  # noqa: E402


def test_the_vendored_files_are_the_pinned_releases() -> None:
    manifest = json.loads((VENDOR / "SOURCES.json").read_text())
    assert vendor_map.check(manifest) == []
    versions = {p["name"]: p["version"] for p in manifest["packages"]}
    assert versions == {
        "leaflet": "1.9.4",
        "leaflet.markercluster": "1.5.3",
        "leaflet.heat": "0.2.0",
    }
    for package in manifest["packages"]:
        assert package["integrity"].startswith("sha512-")
        assert any("LICEN" in name for name in package["files"]), "its licence ships with it"
        assert all(re.fullmatch(r"[0-9a-f]{64}", digest) for digest in package["files"].values())
    leaflet = (VENDOR / "leaflet" / "leaflet.js").read_text()
    assert leaflet.startswith("/* @preserve\n * Leaflet 1.9.4")


def test_a_changed_file_is_caught(tmp_path: Path) -> None:
    manifest = json.loads((VENDOR / "SOURCES.json").read_text())
    package = manifest["packages"][2]
    name = next(iter(package["files"]))
    package["files"][name] = "0" * 64
    assert vendor_map.check(manifest) == ["changed: heat/leaflet-heat.js"]


def test_pages_load_scripts_only_from_the_bot() -> None:
    for template in (ROOT / "bot" / "web" / "templates").glob("*.html"):
        for source in re.findall(r'<script[^>]*src="([^"]+)"', template.read_text()):
            assert source.startswith(("/console/static/", "https://telegram.org/js/")), (
                template.name,
                source,
            )
        assert "<script>" not in template.read_text(), "no inline script (the CSP refuses it)"
