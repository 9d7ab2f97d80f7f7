"""Build small MarianMT model directories offline, so tests, benchmarks and users without the hub
run the real loading code (``python -m translate.model_factory models/tiny``).

The hub is unreachable here and in CI, so a model is made from scratch: sentencepiece models
trained on a few lines of real text, a shared ``vocab.json`` as the OPUS-MT models have, and a
``MarianMTModel`` with seeded random weights saved with ``save_pretrained``. The directory has the
same files as ``Helsinki-NLP/opus-mt-fr-en``, so ``MarianTokenizer``/``MarianMTModel.from_pretrained``
read it exactly as they read the real one.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sentencepiece as spm
import torch
from transformers import MarianConfig, MarianMTModel, MarianTokenizer

from eval.datasets import FLORES, lines


@dataclass(frozen=True)
class ModelShape:
    """Transformer dimensions; ``OPUS_MT_FR_EN`` matches the real model, ``TINY`` is for tests."""

    d_model: int
    layers: int
    heads: int
    ffn_dim: int
    spm_vocab_size: int
    max_position_embeddings: int = 512
    # Size of the shared vocabulary (embeddings and output layer). The text in shared/data is too
    # small to train sentencepiece models that large (about 11k pieces per language at most), so
    # ``vocab.json`` is padded with unused entries up to this size; None keeps only the pieces.
    vocab_size: int | None = None
    # Weights drawn wider than transformers' default (0.02) make a random model's output depend
    # on its input, so tests can tell translations apart and check they come back in order.
    init_std: float = 0.02


TINY = ModelShape(d_model=32, layers=2, heads=2, ffn_dim=64, spm_vocab_size=300, init_std=0.3)
OPUS_MT_FR_EN = ModelShape(d_model=512, layers=6, heads=8, ffn_dim=2048, spm_vocab_size=8000, vocab_size=59514)


def training_lines(limit: int = 400) -> tuple[list[str], list[str]]:
    """French and English lines from FLORES-200 devtest to train the sentencepiece models on."""
    return lines(FLORES / "fra.devtest")[:limit], lines(FLORES / "eng.devtest")[:limit]


def _train_sentencepiece(lines: list[str], prefix: Path, vocab_size: int) -> None:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    spm.SentencePieceTrainer.train(
        input=handle.name,
        model_prefix=str(prefix),
        vocab_size=vocab_size,
        character_coverage=1.0,
        model_type="unigram",
        hard_vocab_limit=False,
        minloglevel=2,
        # Marian adds </s> itself and keeps <unk>; sentencepiece must not reserve bos/eos ids.
        bos_id=-1,
        eos_id=-1,
        unk_id=0,
    )
    Path(handle.name).unlink()


def build_marian_model(
    out_dir: Path,
    shape: ModelShape = TINY,
    seed: int = 0,
    lines: tuple[list[str], list[str]] | None = None,
) -> Path:
    """Write a complete Marian model directory (weights, config, spm models, vocab) to ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    french, english = lines if lines is not None else training_lines()
    with tempfile.TemporaryDirectory() as work:
        for name, text in (("source", french), ("target", english)):
            _train_sentencepiece(text, Path(work) / name, shape.spm_vocab_size)
            (Path(work) / f"{name}.model").replace(out_dir / f"{name}.spm")
    vocab: dict[str, int] = {"</s>": 0, "<unk>": 1}
    for name in ("source", "target"):
        processor = spm.SentencePieceProcessor(model_file=str(out_dir / f"{name}.spm"))
        for piece_id in range(processor.get_piece_size()):
            vocab.setdefault(processor.id_to_piece(piece_id), len(vocab))
    for filler in range(len(vocab), (shape.vocab_size or 0) - 1):
        vocab[f"<unused{filler}>"] = len(vocab)
    vocab["<pad>"] = len(vocab)
    (out_dir / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False), encoding="utf-8")

    pad_id = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        decoder_vocab_size=len(vocab),
        d_model=shape.d_model,
        encoder_layers=shape.layers,
        decoder_layers=shape.layers,
        encoder_attention_heads=shape.heads,
        decoder_attention_heads=shape.heads,
        encoder_ffn_dim=shape.ffn_dim,
        decoder_ffn_dim=shape.ffn_dim,
        max_position_embeddings=shape.max_position_embeddings,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        activation_function="swish",
        static_position_embeddings=True,
        init_std=shape.init_std,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if parameter.dim() > 1 and "embed_positions" not in name:
                parameter.normal_(0.0, shape.init_std)
        # As in the OPUS-MT models: the <pad> embedding (also the decoder's start token) is zero
        # and <pad> is never generated. CTranslate2 relies on both.
        model.get_input_embeddings().weight[pad_id].zero_()
    model.generation_config.bad_words_ids = [[pad_id]]
    model.eval()
    model.save_pretrained(out_dir)
    tokenizer = MarianTokenizer(
        source_spm=str(out_dir / "source.spm"),
        target_spm=str(out_dir / "target.spm"),
        vocab=str(out_dir / "vocab.json"),
        source_lang="fr",
        target_lang="en",
    )
    tokenizer.save_pretrained(out_dir)
    return out_dir


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(
        description=(
            "Build an offline Marian model directory with random weights (for trying the pipeline without the hub)."
        )
    )
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--shape", choices=("tiny", "opus-mt-fr-en"), default="tiny")
    arguments = parser.parse_args()
    print(build_marian_model(arguments.out_dir, TINY if arguments.shape == "tiny" else OPUS_MT_FR_EN))
