"""qualitycheck as one step of a FineWeb-style datatrove pipeline.

    pip install 'qualitycheck[datatrove]' spacy
    python examples/pipelines/datatrove_fineweb_step.py input_folder/ output_folder/

spaCy is for datatrove's GopherQualityFilter (its word tokenizer; without spaCy every task stops
with "Please install `spacy` to use en word tokenizer"), not for QualityCheckFilter: a pipeline
without datatrove's word-level filters needs only the extra.

Kept documents carry doc.metadata["qualitycheck"] (score, verdict, labels, spun, language,
clean_text); dropped ones are written by the exclusion writer with metadata["filter_reason"]
(qc_verdict_drop, qc_verdict_review, qc_spun, qc_low_score, qc_no_text), and datatrove's
stats count them as dropped_qc_*.
"""
import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.filters import GopherQualityFilter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter

from qualitycheck.integrations.datatrove import QualityCheckFilter


def main(input_folder: str, output_folder: str) -> None:
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(input_folder),
            GopherQualityFilter(),                                   # datatrove's own heuristics first (cheap)
            QualityCheckFilter(min_score=0.7,                        # <- the one added line
                               exclusion_writer=JsonlWriter(f"{output_folder}/removed/qualitycheck")),
            JsonlWriter(f"{output_folder}/kept"),
        ],
        tasks=4, workers=2, logging_dir=f"{output_folder}/logs",
    )
    executor.run()


if __name__ == "__main__":
    main(*sys.argv[1:3])
