# The filesystem test matrix (matrix.py): one tree, every filesystem.
. "$(dirname "$0")/lib.sh"
python3 "$(dirname "$0")/matrix.py" "$MAPBOOT" "$WORK"
