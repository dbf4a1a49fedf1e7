"""Experiments: which scenarios to run under which seed and for how many replications, run in
this process, on a local process pool or on a Dask cluster; in-memory runs for notebooks; the
calibration search and the validation cases. Nothing here chooses a file format."""
