"""bench/directory.py, in parts: names and plan (the data), load, in_process, served, report."""
