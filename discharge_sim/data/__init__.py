"""A trust's own data in: the extract schema and its readers, fitting a config from an extract,
synthetic extracts from simulated runs, published tables as calibration targets, and the
spreadsheet form of a config. Nothing here writes files: the API does, atomically."""
