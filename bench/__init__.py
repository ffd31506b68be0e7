"""Benchmarks: a deterministic dataset generator (`bench.generate`), an HTTP load driver (`bench.load`) and the
page-weight probe (`bench.page_weight`). See bench/README.md."""
