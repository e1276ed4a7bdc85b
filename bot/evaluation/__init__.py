"""Evaluation: retrieval metrics and answer scoring on question sets, and the benchmarks.

Importing this package (or `retrieval`, `chat`, `harness`, `machine`, `report_docs`) loads
no torch, FAISS, aiohttp or psutil; the benchmark modules import them where they need them.

- `retrieval`: Recall@k and MRR@10 of a search function on an eval file;
- `chat`: the running bot's REST answers judged per question kind;
- `harness`: the whole bot started with scripts/run.sh on free loopback ports (tests, benches);
- `machine`: CPU, memory, load average, CPU time, and the number and table formats;
- `report_docs`: one benchmark's marked section of docs/benchmarks.md;
- `bench_retrieval/`: search latency, index build, embedding throughput, FAISS at scale;
- `ingest_bench` (with `ingest_corpus`, `ingest_runs`, `embedder_quality`): ingest speed, fp32 vs int8;
- `load` (with `load_workload`, `load_phase`, `process_usage`, `load_profile`, `load_report`):
  many simulated users on the running bot;
- `quality`: retrieval and answers of the running bot on the dev and extra sets;
- `tuning`: cross-validated grid search of the search fusion weights;
- `project_checks`: `make validate`'s checks of NLU data, corpus metadata and retrieval floors.

The command lines are in scripts/ (`python -m scripts.<name> --help`).
"""
