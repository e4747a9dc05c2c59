"""score_frame on a pandas DataFrame: one Checker, quality columns appended, rows aligned.

    python examples/pipelines/pandas_frame.py
"""
import pandas as pd

from qualitycheck import Checker

ARTICLE = ("The city opened its new riverside footpath on Saturday, a two-mile route that links the old "
           "mill district with the park by the weir and replaces a stretch of busy road.\n\n"
           "Walkers and cyclists will share the path, which the council says cost less than planned "
           "because volunteers planted most of the trees along the bank last spring.")

frame = pd.DataFrame({
    "url": ["https://news.example/1", "https://news.example/2", "https://news.example/3"],
    "text": [ARTICLE, ARTICLE + "\n\nAdvertisement\n\nSubscribe to our newsletter", None],
})
checker = Checker()                      # models load once; reuse it for every frame
scored = checker.score_frame(frame, text_col="text", id_col="url")
print(scored[["url", "score", "verdict", "n_boilerplate", "n_ad_marker", "spun", "language", "error"]].to_string())
kept = scored[scored["verdict"] == "keep"]
print(f"kept {len(kept)} of {len(scored)}")
