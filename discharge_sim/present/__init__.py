"""Results as people read them: labels and number formats, terminal text, charts, the figure
catalogue of a results folder and the report."""
