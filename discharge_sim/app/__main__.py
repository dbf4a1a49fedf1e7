"""``python -m discharge_sim.app --port N --results DIR``: serve the web app. ``discharge-sim app``
runs this after checking its options; see :mod:`discharge_sim.app.launch`."""

from __future__ import annotations

import argparse
from pathlib import Path

from discharge_sim.app.launch import serve

if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m discharge_sim.app", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--results", type=Path, required=True)
    args = parser.parse_args()
    serve(args.port, args.results)
