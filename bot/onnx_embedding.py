"""multilingual-e5-small as a dynamically int8-quantised ONNX model, run by ONNX Runtime.

`export_int8` turns the converted fp32 folder (`bot.embedding.ensure_model`) into a folder
with `model.onnx` and `tokenizer.json`, offline and once at set-up: the BERT encoder plus
mean pooling and L2 normalisation are exported with torch's TorchScript-based ONNX
exporter, then ONNX Runtime quantises the weights of every MatMul and of the word
embeddings to int8, one scale per output channel (activations are quantised on the fly).
On this corpus that encodes about twice as fast as fp32 torch, with vectors at cosine
~0.996 to the fp32 ones (docs/benchmarks.md, ingest section).

`OnnxEncoder` runs such a folder: it tokenises with the model's own `tokenizer.json` and
runs each text on its own (`BATCH_TOKENS`; batches, when asked for, hold texts of similar
length under a budget of padded tokens), returning the vectors in input order.

Importing this module is cheap: numpy, onnxruntime, tokenizers and torch are imported
only inside the functions that need them.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    import numpy as np
    import torch

ONNX_FILE = "model.onnx"
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
EXPORT_MIN_COSINE = 0.98


class ExportError(RuntimeError):
    """The exported int8 model does not reproduce the fp32 model's vectors."""


def export_int8(fp32_dir: Path, dest: Path) -> None:
    """Write `model.onnx` (int8) and `tokenizer.json` for the fp32 model folder into `dest`.

    Raises `ExportError` when the int8 model's vectors for a few probe texts are not
    within cosine `EXPORT_MIN_COSINE` of the fp32 model's (a broken export, e.g. an
    attention mask traced as a constant).
    """
    import shutil

    import numpy as np
    from onnxruntime.quantization import QuantType, quantize_dynamic

    pooled = _load_pooled_encoder(fp32_dir)
    fp32_onnx = dest / "fp32.onnx"
    _export_onnx(pooled, fp32_onnx)
    with _root_log_level(logging.ERROR):  # the quantiser logs generic advice as a warning
        quantize_dynamic(fp32_onnx, dest / ONNX_FILE, weight_type=QuantType.QInt8, per_channel=True,
                         op_types_to_quantize=list(QUANTISED_OPS))
    fp32_onnx.unlink()
    shutil.copyfile(fp32_dir / TOKENIZER_FILE, dest / TOKENIZER_FILE)

    encoder = OnnxEncoder(dest, threads=1)
    tokens = encoder.tokenize(list(_PROBES))
    ids, mask = _pad(tokens)
    import torch

    with torch.no_grad():
        expected = pooled(torch.from_numpy(ids), torch.from_numpy(mask)).numpy()
    cosines = np.sum(encoder.encode(list(_PROBES)) * expected, axis=1)
    if cosines.min() < EXPORT_MIN_COSINE:
        raise ExportError(f"int8 export of {fp32_dir} differs from fp32: cosines {cosines.round(4).tolist()}")


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
    """An exported int8 folder in one ONNX Runtime session on `threads` threads."""

    def __init__(self, folder: Path, threads: int) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # Idle threads sleep instead of spinning: on a shared machine spinning threads
        # compete for the cores doing the work (see actions/runtime.py).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(
            str(folder / ONNX_FILE), options, providers=["CPUExecutionProvider"]
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
        for batch in length_batches([len(t) for t in tokens], batch_tokens):
            ids, mask = _pad([tokens[i] for i in batch], self._pad_id)
            vectors[batch] = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return vectors


def available_cores() -> int:
    """The cores this process may run on."""
    return len(os.sched_getaffinity(0))
