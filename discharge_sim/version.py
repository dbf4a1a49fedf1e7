"""The installed version of discharge-sim, recorded in every manifest and report."""

from importlib import metadata

try:
    __version__ = metadata.version("discharge-sim")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"
