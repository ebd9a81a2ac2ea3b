"""A guard against catastrophic regex backtracking on 1 MB inputs: not a speed target.

Quadratic or exponential matching on a megabyte takes minutes, so a generous bound catches it without
making the suite depend on the machine's speed. The real target (< 1 s for any 1 MB input) is measured
by bench/check_throughput.py, which runs the same kind of adversarial inputs.
"""

GUARD_S = 10.0
