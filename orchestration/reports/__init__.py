"""The market report: one self-contained HTML page over the marts (data.py reads, html.py renders)."""
