"""The reference engine: ``MarianMTModel.generate`` from Hugging Face transformers."""

from __future__ import annotations

from typing import Sequence

from translate.backends import DecodingSettings, MarianTokenCounts, OneBatchAtATime, Output, cache_bytes_per_token
from translate.errors import first_line
from translate.model_files import ModelError, ModelFiles


class TransformersBackend(MarianTokenCounts, OneBatchAtATime):
    """Marian through transformers and torch, on CPU or CUDA."""

    name = "transformers"

    def __init__(self, model: ModelFiles, settings: DecodingSettings, device: str = "cpu", threads: int | None = None):
        import torch
        import transformers
        from transformers import MarianMTModel, MarianTokenizer

        if threads:
            torch.set_num_threads(threads)
        if device == "cuda" and not torch.cuda.is_available():
            raise ModelError("--device cuda: no CUDA device is available; use --device cpu")
        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        try:
            self.tokenizer = MarianTokenizer.from_pretrained(model.directory)
            self.model = MarianMTModel.from_pretrained(model.directory).to(device).eval()
        except Exception as error:  # transformers raises many types for damaged files
            raise ModelError(
                f"--model {model.requested}: cannot load the Marian model ({first_line(error)}); the files may be "
                "damaged, re-download or re-save them"
            ) from None
        self.settings = settings
        self.device = device
        self.max_positions = int(self.model.config.max_position_embeddings)
        self.cache_bytes_per_token = cache_bytes_per_token(self.model.config.decoder_layers, self.model.config.d_model)
        self._torch = torch

    def translate_batch(self, texts: Sequence[str], max_new_tokens: int) -> list[Output]:
        batch = self.tokenizer(list(texts), return_tensors="pt", padding=True).to(self.device)
        with self._torch.inference_mode():
            output = self.model.generate(
                **batch,
                num_beams=self.settings.beam,
                do_sample=False,
                max_new_tokens=max_new_tokens,
                # Stop a beam search once `beam` hypotheses have ended, as CTranslate2 does, so
                # both backends give the same output (and the search does no wasted steps).
                early_stopping=True,
                # The model card's generation config caps output at 512 tokens in total; our
                # own bound replaces it, so nothing else may cut the output shorter.
                max_length=None,
            )
        texts_out = self.tokenizer.batch_decode(output, skip_special_tokens=True)
        # Rows are [start, generated..., padding]; a row that used every step hit the bound
        # (the model config forces an end token at the last step, so that token proves nothing).
        generated = (output[:, 1:] != self.model.config.pad_token_id).sum(dim=1).tolist()
        return [Output(text, length < max_new_tokens, length) for text, length in zip(texts_out, generated)]
