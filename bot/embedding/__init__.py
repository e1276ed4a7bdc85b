"""Embedding: the multilingual-e5-small model from its wheel, conversion, ONNX export, the embedder."""
