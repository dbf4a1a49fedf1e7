"""Results on disk: CSV and JSON formats, resumable storage of finished replications, the results
folder (written atomically, read back), its outputs and its manifest."""
