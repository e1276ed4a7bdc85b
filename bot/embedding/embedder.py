"""Dense sentence embeddings with multilingual-e5-small, fully offline.

`Embedder` (`load_embedder`) embeds passages with the int8 ONNX model (ingest is where the time
goes) and queries with the fp32 ONNX model: int8 queries lost 1-2 questions at Recall@5 on the
dev and extra sets, fp32 queries against int8 passages stay within one question of fp32
throughout (docs/benchmarks.md, ingest section). `load_embedder(..., fp32=True)` is the
all-torch reference through sentence-transformers. Importing this module is cheap: numpy,
torch, onnxruntime and sentence_transformers are imported only where needed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:

    import numpy as np
    from sentence_transformers import SentenceTransformer

from bot.embedding.convert import FP32_MODEL_ID, MODEL_ID, PASSAGE_PROMPT, QUERY_PROMPT, ensure_int8_model, ensure_model


class Embedder:
    """multilingual-e5-small on CPU, never touching the hub.

    With an exported ONNX folder (`model_id` is `MODEL_ID`): queries through its fp32
    model, loaded at once (a broken model fails at start, not on the first question), on
    `query_threads` threads; passages through its int8 model, loaded on first use (the
    action server never embeds passages), on every core. Without one (`FP32_MODEL_ID`):
    both through the fp32 folder in sentence-transformers, the reference.
    """

    def __init__(self, model_dir: Path, onnx_dir: Path | None = None, query_threads: int = 1) -> None:
        """`model_dir`: an `ensure_model` folder; `onnx_dir`: an `ensure_int8_model` folder.

        Sets HF_HUB_OFFLINE=1 and TRANSFORMERS_OFFLINE=1 for the whole process first.
        """
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        self.onnx_dir = onnx_dir
        self.model_id = MODEL_ID if onnx_dir else FP32_MODEL_ID
        self._torch: SentenceTransformer | None = None
        self._queries: OnnxEncoder | None = None
        self._passages: OnnxEncoder | None = None
        if onnx_dir:
            from bot.embedding.onnx import QUERY_ONNX_FILE, OnnxEncoder

            self._queries = OnnxEncoder(onnx_dir, query_threads, QUERY_ONNX_FILE)
        else:
            from sentence_transformers import SentenceTransformer

            self._torch = SentenceTransformer(str(model_dir), device="cpu")

    @property
    def dimension(self) -> int:
        """Length of the embedding vectors (384)."""
        if self._queries is not None:
            return self._queries.dimension
        return int(self._torch.get_embedding_dimension())

    def encode_queries(self, texts: list[str]) -> np.ndarray:
        """Embed search queries (prompt `query: `, fp32): float32, L2-normalised, shape (n, 384)."""
        if self._queries is not None and texts:
            return self._queries.encode([QUERY_PROMPT + text for text in texts])
        return self._encode_torch(texts, "query", batch_size=32)

    def encode_passages(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        """Embed passages (prompt `passage: `): float32, L2-normalised, shape (n, 384).

        The int8 model embeds each text on its own (`bot.embedding.onnx.BATCH_TOKENS`), so
        a text's vector does not depend on the others, and ignores `batch_size`. fp32
        torch embeds `batch_size` texts a batch, longest first (little padding), and
        returns them in the original order. Text past 512 tokens (prompt included; roughly
        340 Danish words) is cut off.
        """
        if self.onnx_dir is None or not texts:
            return self._encode_torch(texts, "passage", batch_size)
        if self._passages is None:
            from bot.embedding.onnx import OnnxEncoder, available_cores

            # One thread per call, one call per core at once: ~15% faster than two threads per
            # call for these small per-text calls, with the same vectors (docs/benchmarks.md).
            self._passages = OnnxEncoder(self.onnx_dir, 1, workers=available_cores())
        return self._passages.encode([PASSAGE_PROMPT + text for text in texts])

    def _encode_torch(self, texts: list[str], prompt_name: str, batch_size: int) -> np.ndarray:
        import numpy as np

        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        embeddings = self._torch.encode(
            list(texts),
            prompt_name=prompt_name,
            batch_size=batch_size,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(embeddings, dtype=np.float32)


def load_embedder(cache_dir: Path, fp32: bool = False, query_threads: int = 1) -> Embedder:
    """The ready-to-use embedder from a model cache folder (converted/exported when missing).

    ONNX Runtime by default (int8 passages, fp32 queries on `query_threads` threads);
    `fp32=True` gives sentence-transformers fp32 for both (the reference the int8 model is
    measured against).
    """
    model_dir = ensure_model(cache_dir)
    if fp32:
        return Embedder(model_dir)
    return Embedder(model_dir, ensure_int8_model(cache_dir), query_threads)

