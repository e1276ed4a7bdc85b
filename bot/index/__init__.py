"""Index: building, storing and loading the FAISS vectors, the BM25 index and the passages."""
