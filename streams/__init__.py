"""newsstream: an event-streaming text pipeline for news (see README.md)."""

import os

# numpy's OpenBLAS starts a thread per core by default. The pipeline already runs a process
# per core, and the model's matrices are small: the extra threads only wait on each other.
# One thread cut the model's CPU time by 12 % on the dev pages (docs/performance.md). It must
# be set before numpy loads, so here; an explicit setting in the environment wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
