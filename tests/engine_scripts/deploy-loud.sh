#!/bin/sh
# A command engine that prints megabytes: 60,000 numbered lines of 100 characters (6 MB).
python3 -c '
import sys
for i in range(60000):
    sys.stdout.write(f"{i:08d} " + "x" * 90 + "\n")
'
echo "loud end"
