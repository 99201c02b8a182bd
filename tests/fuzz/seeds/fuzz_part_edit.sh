#!/bin/sh
# fuzz_part_edit.sh OUTDIR: seeds for fuzz_part_edit, the MBR and GPT seeds
# of the two scanning harnesses (the edit harness lays inputs out as
# fuzz_part_gpt does, which the GPT seeds match and the MBR ones survive:
# their tables and EBRs are in the first half).
set -eu
here=$(dirname "$0")
"$here/fuzz_part_mbr.sh" "$1"
"$here/fuzz_part_gpt.sh" "$1"
