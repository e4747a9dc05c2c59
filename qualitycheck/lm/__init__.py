"""N-gram language model: shared tokenizer (tokenize.py), model access (model.py), trainer (train.py).

Importing this package does not import KenLM; ``LanguageModel.load`` does.
"""
from .tokenize import normalize, tokenize, tokenize_with_spans

__all__ = ["normalize", "tokenize", "tokenize_with_spans"]
