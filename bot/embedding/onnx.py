"""multilingual-e5-small as ONNX models run by ONNX Runtime: int8 for passages, fp32 for queries.

`export_onnx` turns the converted fp32 folder (`bot.embedding.convert.ensure_model`) into a folder
with `model.onnx`, `query-fp32.onnx` and `tokenizer.json`, offline and once at set-up: the
BERT encoder plus mean pooling and L2 normalisation are exported with torch's
TorchScript-based ONNX exporter (`query-fp32.onnx`: the same vectors as torch, cosine
> 0.99999, in about half torch's time for a short query), then ONNX Runtime quantises the
weights of every MatMul and of the word embeddings to int8, one scale per output channel
(activations are quantised on the fly) into `model.onnx`: on this corpus about 2.5 times
as fast as fp32 torch, with vectors at cosine ~0.996 to the fp32 ones (docs/benchmarks.md,
ingest section).

`OnnxEncoder` runs such a folder: it tokenises with the model's own `tokenizer.json` and
runs each text on its own (`BATCH_TOKENS`; batches, when asked for, hold texts of similar
length under a budget of padded tokens), several calls at once on `workers` Python threads
(ONNX Runtime releases the GIL while it runs), returning the vectors in input order.

Importing this module is cheap: numpy, onnxruntime, tokenizers and torch are imported
only inside the functions that need them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    import numpy as np
    import torch

ONNX_FILE = "model.onnx"  # int8, for passages
QUERY_ONNX_FILE = "query-fp32.onnx"
TOKENIZER_FILE = "tokenizer.json"
# Quantised ops: the Transformer's MatMuls (~all the compute) and the word embeddings
# (250k x 384: 366 MB in fp32, 92 MB in int8; the vectors did not move measurably).
QUANTISED_OPS = ("MatMul", "Gather")
MAX_TOKENS = 512  # e5-small's position limit; the chunker's passages stay under ~330 tokens
# Padded tokens per ONNX Runtime call. 0: every text on its own. Dynamic quantisation scales
# the activations of a whole call at once, so in a batch a text's vector depends on its
# neighbours (cosine down to ~0.993 against the same text alone); alone it is reproducible
# and the same for a query and a passage, at about the same CPU cost as batches of 512
# tokens (batches of 8192 cost ~40% more: the activations leave the cache). Measured in
# docs/benchmarks.md.
BATCH_TOKENS = 0
_OPSET = 17
# A probe that an export must reproduce: one passage, one padded short text.
_PROBES = (
    "passage: Herning Kommune investerede 4,7 mio. kr. i tidlig indsats og fik dem igen efter to år.",
    "query: hvad koster satspuljen?",
)
# How close each exported model must stay to torch on the probes.
EXPORT_MIN_COSINE = {QUERY_ONNX_FILE: 0.9999, ONNX_FILE: 0.98}


class ExportError(RuntimeError):
    """An exported model does not reproduce the fp32 torch model's vectors."""


def export_onnx(fp32_dir: Path, dest: Path) -> None:
    """Write `query-fp32.onnx`, `model.onnx` (int8) and `tokenizer.json` into `dest`.

    Raises `ExportError` when a model's vectors for a few probe texts are not within
    `EXPORT_MIN_COSINE` of torch's (a broken export, e.g. an attention mask traced as a
    constant).
    """
    import shutil

    import numpy as np
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    pooled = _load_pooled_encoder(fp32_dir)
    _export_onnx(pooled, dest / QUERY_ONNX_FILE)
    with _root_log_level(logging.ERROR):  # the quantiser logs generic advice as a warning
        quantize_dynamic(dest / QUERY_ONNX_FILE, dest / ONNX_FILE, weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=list(QUANTISED_OPS))
    shutil.copyfile(fp32_dir / TOKENIZER_FILE, dest / TOKENIZER_FILE)

    for name, minimum in EXPORT_MIN_COSINE.items():
        encoder = OnnxEncoder(dest, threads=1, file_name=name)
        ids, mask = _pad(encoder.tokenize(list(_PROBES)))
        with torch.no_grad():
            expected = pooled(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
        cosines = np.sum(encoder.encode(list(_PROBES)) * expected, axis=1)
        if cosines.min() < minimum:
            raise ExportError(f"{name} exported from {fp32_dir} differs from torch: cosines {cosines.tolist()}")


@contextlib.contextmanager
def _root_log_level(level: int) -> Iterator[None]:
    """Raise the root logger's level for the duration of the block."""
    root = logging.getLogger()
    saved = root.level
    root.setLevel(max(saved, level))
    try:
        yield
    finally:
        root.setLevel(saved)


def _load_pooled_encoder(fp32_dir: Path) -> torch.nn.Module:
    """The fp32 BERT encoder followed by mean pooling and L2 normalisation, as one module."""
    import torch
    from transformers import AutoModel

    # eager attention: the exporter traces it into plain ONNX ops
    bert = AutoModel.from_pretrained(str(fp32_dir), add_pooling_layer=False, attn_implementation="eager")

    class PooledEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    return PooledEncoder().eval()


def _export_onnx(module: torch.nn.Module, path: Path) -> None:
    """Trace the module on a padded batch (a mask of all ones could be folded away)."""
    import torch

    ids = torch.full((2, 16), 5, dtype=torch.long)
    mask = torch.ones((2, 16), dtype=torch.long)
    mask[1, 9:] = 0
    dynamic = {0: "batch", 1: "tokens"}
    with warnings.catch_warnings(), torch.no_grad():
        warnings.simplefilter("ignore")  # the exporter's deprecation and tracer notes
        torch.onnx.export(
            module, (ids, mask), str(path), input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"], opset_version=_OPSET, dynamo=False,
            dynamic_axes={"input_ids": dynamic, "attention_mask": dynamic, "sentence_embedding": {0: "batch"}},
        )


def _pad(token_ids: list[list[int]], pad_id: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Right-padded `input_ids` and `attention_mask` (int64) for a batch of token lists."""
    import numpy as np

    width = max(len(ids) for ids in token_ids)
    ids = np.full((len(token_ids), width), pad_id, dtype=np.int64)
    mask = np.zeros((len(token_ids), width), dtype=np.int64)
    for row, tokens in enumerate(token_ids):
        ids[row, : len(tokens)] = tokens
        mask[row, : len(tokens)] = 1
    return ids, mask


def length_batches(lengths: list[int], batch_tokens: int) -> list[list[int]]:
    """Indices of `lengths`, longest first, cut into batches of at most `batch_tokens` padded tokens.

    Every batch holds at least one text (with a budget of 0, exactly one); within a batch
    the first (longest) text sets the padded width, so a batch of n texts costs n * its
    first length.
    """
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches: list[list[int]] = []
    for index in order:
        if batches and (len(batches[-1]) + 1) * lengths[batches[-1][0]] <= batch_tokens:
            batches[-1].append(index)
        else:
            batches.append([index])
    return batches


class OnnxEncoder:
    """One model of an exported folder in an ONNX Runtime session on `threads` threads."""

    def __init__(self, folder: Path, threads: int, file_name: str = ONNX_FILE, workers: int = 1) -> None:
        """`threads` per ONNX Runtime call; `workers` calls at once (ONNX Runtime releases the GIL)."""
        import onnxruntime
        from tokenizers import Tokenizer

        self._workers = workers
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: on a shared machine spinning threads
        # compete for the cores doing the work (see actions/runtime.py).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(folder / file_name), options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(folder / TOKENIZER_FILE))
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._pad_id = self._tokenizer.token_to_id("<pad>")
        self.dimension = int(self._session.get_outputs()[0].shape[-1])

    def tokenize(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text (special tokens added, cut at `MAX_TOKENS`)."""
        return [encoding.ids for encoding in self._tokenizer.encode_batch(texts)]

    def encode(self, texts: list[str], batch_tokens: int = BATCH_TOKENS) -> np.ndarray:
        """L2-normalised float32 vectors of `texts` (prompts already applied), in input order."""
        import numpy as np

        tokens = self.tokenize(texts)
        vectors = np.empty((len(texts), self.dimension), dtype=np.float32)

        def run(batch: list[int]) -> None:
            ids, mask = _pad([tokens[i] for i in batch], self._pad_id)
            vectors[batch] = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]

        batches = length_batches([len(t) for t in tokens], batch_tokens)
        if self._workers > 1 and len(batches) > 1:
            with ThreadPoolExecutor(self._workers) as pool:
                list(pool.map(run, batches))
        else:
            for batch in batches:
                run(batch)
        return vectors


def available_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))
