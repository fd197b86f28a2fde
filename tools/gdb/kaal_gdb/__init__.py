"""KaaL's gdb extension (tools/gdb/kaal.py loads it)."""
