"""Benchmarks and evaluations of Elke Deur (`make bench`, `python -m bench.eval_nlu`)."""
