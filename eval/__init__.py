"""Scoring of translations (sacrebleu) and of sentence alignments (vecalign's definitions)."""
