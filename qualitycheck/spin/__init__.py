"""Spun-text detection: thesaurus tables, morphology, synthetic spinners, features and the detector.

The per-document entry point is `qualitycheck.signals.spin.SpinSignal`; `crossdoc.find_spun_versions`
compares several versions of one story. Everything heavy (tables, weights, the language model) loads
lazily, once per process.
"""
