"""Retrieval benchmarks, one module a concern; `run.run_benchmarks` runs them all and writes the report.

- `latency`: warm `Searcher.search` latency on the real index;
- `index_build`: a forced full ingest of the real corpus, then a no-change ingest;
- `throughput`: passage embedding throughput on synthetic Danish passages;
- `synthetic`, `builds`, `scale_queries`, `scale`, `scale_report`: FAISS at 10k / 100k / 1M
  synthetic vectors (builds in a niced child process, queries timed in this one);
- `report`: the machine and the Markdown between the retrieval markers of docs/benchmarks.md.
"""
