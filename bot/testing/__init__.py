"""Test helpers shipped with the package (used by the e2e tests and by ``sakshy demo``)."""
