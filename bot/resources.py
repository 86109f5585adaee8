"""Find the catalogs and migrations whether running from a checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # In a wheel they are mapped to bot/_data/<name>; in a checkout (or editable install) they
    # sit at the top level of the repository, next to bot/.
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder of Sakshy (is the package complete?)")


def locales_dir() -> Path:
    return _find("locales")


def migrations_dir() -> Path:
    return _find("migrations")


def demo_directory_path() -> Path:
    """The shipped demo directory: the Shymkent pilot's four squares, fictional inspectors."""
    return _PACKAGE_DIR / "data" / "directory_demo.geojson"
