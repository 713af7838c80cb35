#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The structure the README describes: the library's layers include only
# the layers below them, no program has source files that call each other
# in a circle, and source file names are unique across the tree
# (tests/lib/structure.py; objects of the rel build).
set -u
exec python3 "$(dirname "$0")/../lib/structure.py" all "${B:-build}"
