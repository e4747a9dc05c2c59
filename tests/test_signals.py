"""Boilerplate, ad markers, duplicates, mojibake and language on fixtures written for these tests."""
from __future__ import annotations

import pytest

from qualitycheck import Checker

ARTICLE = [
    "Ferry operator adds winter sailings",
    "The island's ferry operator will add three extra sailings a week from December, after residents complained that the winter timetable left them stranded on weekends.",
    "The company said the new crossings would run on Fridays and Sundays, when demand from students and hospital patients is highest.",
    "Councillors welcomed the change but said they would keep pressing for a larger vessel on the route.",
]


@pytest.fixture(scope="module")
def fast_checker():
    return Checker(spin_enabled=False)


def labels_of(report, contains):
    return next(p["labels"] for p in report.paragraphs if contains in p["text"])


def test_chrome_lines_and_ads(fast_checker):
    text = "\n\n".join(["Views: 1,204", *ARTICLE[:2], "- Advertisement -", ARTICLE[2], "ADVERTISEMENT", "[ad_3]",
                       ARTICLE[3], "Share this article:", "Leave a Reply", "Back to top"])
    report = fast_checker.check(text)
    assert labels_of(report, "Views:") == ["boilerplate"]
    assert labels_of(report, "- Advertisement -") == ["ad_marker"]
    assert labels_of(report, "ADVERTISEMENT") == ["ad_marker"]
    assert labels_of(report, "[ad_3]") == ["ad_marker"]
    for line in ("Share this article", "Leave a Reply", "Back to top"):
        assert labels_of(report, line) == ["boilerplate"], line
    for paragraph in ARTICLE:
        assert labels_of(report, paragraph[:30]) == [], paragraph


def test_article_prose_mentioning_chrome_words_is_not_boilerplate(fast_checker):
    prose = ("Shares in the satellite broadcaster rose after it said it had added 150,000 subscribers in the quarter, "
             "and that a new privacy policy for its set-top boxes would let customers opt out of viewing data collection. "
             "Analysts said the subscriber growth was stronger than expected.")
    report = fast_checker.check("\n\n".join([ARTICLE[0], prose, ARTICLE[1]]))
    assert labels_of(report, "Shares in the satellite") == []
    short = ["The ferry operator said comments from passengers would shape the new timetable.",
             "Facebook and Twitter both declined to comment on the report.",
             "The story was first told by a fisherman who found the wreck.",
             "Islanders who get the app early will be able to book the new sailings from Monday.",
             "Passengers can download the app to book crossings, the operator said.",
             "Her father, a harbour pilot, was the first to read the full story to the inquiry in 1998."]
    report = fast_checker.check("\n\n".join([ARTICLE[0], *short, ARTICLE[1]]))
    for line in short:
        assert labels_of(report, line[:30]) == [], line


@pytest.mark.parametrize("heading", ["Related stories", "Most read", "You might also like:", "Trending now"])
def test_related_block_runs_to_the_end_only_when_teasers(fast_checker, heading):
    teasers = ["Bus drivers vote to strike over pay", "Harbour festival returns after two years...",
               "New school to open in the spring"]
    tail = "\n\n".join([*ARTICLE, heading, *teasers])
    report = fast_checker.check(tail)
    assert labels_of(report, heading) == ["boilerplate"]
    for teaser in teasers:
        assert "boilerplate" in labels_of(report, teaser[:20])
    # A heading in the middle followed by article prose flags only itself.
    middle = "\n\n".join([ARTICLE[0], heading, *ARTICLE[1:]])
    report = fast_checker.check(middle)
    assert labels_of(report, heading) == ["boilerplate"]
    assert all(labels_of(report, p[:30]) == [] for p in ARTICLE)


def test_autoblog_trailer_after_ad_tag_whatever_its_wording(fast_checker):
    text = "\n\n".join(["[ad_1]", *ARTICLE, "[ad_2]", "Resource url"])
    report = fast_checker.check(text)
    assert labels_of(report, "Resource url") == ["boilerplate"]
    # The same short line without ad tags is article text.
    report = fast_checker.check("\n\n".join([*ARTICLE, "Resource url"]))
    assert labels_of(report, "Resource url") == []


def test_ad_placeholders_glued_to_article_text(fast_checker):
    # the line breaks around the placeholders were lost: the ads are flagged, the article text is kept
    text = "\n\n".join([ARTICLE[0], "[ad_1]" + ARTICLE[1], ARTICLE[2] + "[ad_2]", ARTICLE[3]])
    report = fast_checker.check(text)
    assert [p["labels"] for p in report.paragraphs if p["text"].startswith("[ad_")] == [["ad_marker"], ["ad_marker"]]
    assert labels_of(report, ARTICLE[1][:30]) == []
    assert "[ad_" not in report.clean_text
    assert all(a[:40] in report.clean_text for a in ARTICLE)


def test_in_text_source_line_is_not_boilerplate(fast_checker):
    report = fast_checker.check("\n\n".join([*ARTICLE, "Source: county council figures"]))
    assert labels_of(report, "Source: county") == []


def test_duplicates_after_normalisation(fast_checker):
    caption = "A ferry leaves the island's main harbour on Tuesday morning."
    text = "\n\n".join([ARTICLE[0], ARTICLE[0].upper(), caption, ARTICLE[1],
                        caption.replace("'", "\u2019") + " Photo: Island Times", ARTICLE[2]])
    report = fast_checker.check(text)
    flagged = [p for p in report.paragraphs if "duplicate" in p["labels"]]
    assert [p["index"] for p in flagged] == [1, 4]
    assert "duplicate" not in labels_of(report, "Ferry operator adds")


def test_pull_quote_repeats_a_passage_from_inside_a_paragraph(fast_checker):
    body = ("The harbour master said the pier would reopen in spring. \u201cWe will not let the island be cut off "
            "again this winter,\u201d she told the council, adding that repairs would cost about two million pounds.")
    pull = "\u201cWe will not let the island be cut off again this winter\u201d \u2014 Harbour master Ann Reid"
    for order in ([ARTICLE[0], pull, ARTICLE[1], body, ARTICLE[2]], [ARTICLE[0], ARTICLE[1], body, pull, ARTICLE[2]]):
        report = fast_checker.check("\n\n".join(order))
        paragraph = next(p for p in report.paragraphs if p["text"] == pull)
        assert paragraph["labels"] == ["duplicate"]
        assert paragraph["evidence"][0]["rule"] == "pull_quote"
        assert labels_of(report, "The harbour master") == []   # the sentence stays in the cleaned text
        assert "cut off again" in report.clean_text and "Ann Reid" not in report.clean_text


def test_passage_repeated_without_quotes_needs_a_full_sentence_of_words(fast_checker):
    body = ("Councillors met on Monday. The new timetable will add three crossings a week from the first "
            "Friday of December onwards, the operator confirmed. Tickets go on sale next week.")
    long_repeat = "The new timetable will add three crossings a week from the first Friday of December onwards"
    short_repeat = "Tickets go on sale next week."
    report = fast_checker.check("\n\n".join([ARTICLE[0], ARTICLE[1], body, long_repeat, short_repeat]))
    labels = {p["text"]: p["labels"] for p in report.paragraphs}
    assert labels[long_repeat] == ["duplicate"] and labels[body] == []
    assert labels[short_repeat] == []


def test_headline_or_quote_inside_the_lead_is_not_a_pull_quote(fast_checker):
    headline = "Ferry operator adds three winter sailings for island residents"
    lead = ("Ferry operator adds three winter sailings for island residents from December, after complaints "
            "that the winter timetable left them stranded at weekends.")
    other_quote = "\u201cWe have waited years for a proper winter timetable here\u201d"   # quoted, but said nowhere else
    report = fast_checker.check("\n\n".join([headline, lead, ARTICLE[2], other_quote, ARTICLE[3]]))
    assert all(p["labels"] == [] for p in report.paragraphs)


def test_mojibake_flagged(fast_checker):
    broken = "The cafÃ© owner said itâ€™s the best season â€“ since 2019."
    report = fast_checker.check("\n\n".join([*ARTICLE, broken]))
    assert "mojibake" in labels_of(report, "owner said")


def test_utf8_read_as_latin1_is_mojibake(fast_checker):
    # what a scraper trusting HTTP's old ISO-8859-1 default makes of UTF-8 curly quotes and dashes: C1 controls
    broken = "The owner said it\u2019s the \u201cbest\u201d season \u2013 since 2019.".encode("utf-8").decode("latin-1")
    assert "\u20ac" not in broken   # not the cp1252 form ("\u00e2\u20ac\u2122") the first rule knows
    report = fast_checker.check("\n\n".join([*ARTICLE, broken]))
    paragraph = next(p for p in report.paragraphs if "owner said" in p["text"])
    assert paragraph["labels"] == ["mojibake"]
    assert paragraph["evidence"][0]["rule"] == "c1_controls"
    assert "U+0080" in paragraph["evidence"][0]["detail"]   # named by code point, not printed raw
    for line in ARTICLE:
        assert labels_of(report, line[:30]) == []


def test_control_characters_are_damage_but_tabs_and_page_breaks_are_not(fast_checker):
    garbage = "Ferry\x01 timetable\x02 data\x03\x1a\x7f for December sailings, operator says"
    tabbed = "Sailings\tFriday\tSunday\x0cand the winter timetable for students and hospital patients"
    report = fast_checker.check("\n\n".join([*ARTICLE, garbage, tabbed]))
    paragraph = next(p for p in report.paragraphs if "timetable\x02" in p["text"])
    assert paragraph["labels"] == ["mojibake"] and paragraph["evidence"][0]["rule"] == "c0_controls"
    assert "mojibake" not in labels_of(report, "Friday")
    # one stray control character is not enough evidence (the rule's min_hits)
    assert fast_checker.check("\n\n".join([*ARTICLE[:3], ARTICLE[3] + "\x01"])).labels.get("mojibake") is None


@pytest.mark.parametrize("original", [
    "The mayor said the plan was \u2018unreal\u2019.",          # one quote pair: "â€˜" ... "â€™"
    "Iga \u015awi\u0105tek won the final in Warsaw.",           # Polish: "Å" and "Ä" leads
    "Bar\u0131\u015f Y\u0131lmaz scored twice for the visitors.",  # Turkish
    "The ticket now costs \u00a312 for adults.",                  # one "Â£"
    "Nguy\u1ec5n said the talks would resume.",                   # Vietnamese: "á»…"
    "\ufeffThe council met on Monday.",                          # a byte-order mark: "ï»¿"
])
def test_one_unambiguous_broken_sequence_is_mojibake(fast_checker, original):
    # UTF-8 read as cp1252 once: a single such sequence is damage on its own (two were needed, so a paragraph
    # with one curly apostrophe or one Polish name went unflagged)
    broken = original.encode("utf-8").decode("cp1252", errors="replace")
    report = fast_checker.check("\n\n".join([*ARTICLE, broken]))
    assert labels_of(report, broken[:12]) == ["mojibake"], broken
    for line in ARTICLE:
        assert labels_of(report, line[:30]) == []


def test_portuguese_capitals_before_guillemets_are_not_mojibake(fast_checker):
    # "Ã»" is "û" broken, but an uppercase Portuguese word may end in "Ã" before a closing guillemet
    line = "The exhibition, titled \u00abAT\u00c9 AMANH\u00c3\u00bb (\u00abSEE YOU TOMORROW\u00bb), opens in Lisbon; \u00abAT\u00c9 AMANH\u00c3\u00bb runs until May."
    report = fast_checker.check("\n\n".join([*ARTICLE, line]))
    assert labels_of(report, "The exhibition") == []


def test_foreign_trailer_flagged_and_english_headlines_kept(fast_checker):
    spanish = ("El operador del transbordador añadirá tres salidas semanales a partir de diciembre, "
               "después de las quejas de los vecinos de la isla.")
    german = "Die Gemeinde begrüßte die Entscheidung, will aber weiter auf ein größeres Schiff drängen."
    headlines = ["Ferry firm adds sailings", "Councillors back timetable change", "Island school wins award"]
    report = fast_checker.check("\n\n".join([*headlines, *ARTICLE, spanish, german]))
    assert report.language == "en"
    assert labels_of(report, "El operador") == ["off_language"]
    assert labels_of(report, "Die Gemeinde") == ["off_language"]
    for headline in headlines:
        assert labels_of(report, headline) == [], headline
    evidence = next(p for p in report.paragraphs if "El operador" in p["text"])["evidence"][0]
    assert "langdetect" in evidence["detail"]
    assert "El operador" not in report.clean_text


def test_names_and_numbers_are_never_off_language(fast_checker):
    lines = ["Results: Smith 24, Okafor 19, Nakamura 11", "J Kowalski (Warsaw), P Dubois (Lyon), K Tanaka (Osaka)",
             "2-1", "Tel: 01234 567890", "jane.doe@example.org"]
    report = fast_checker.check("\n\n".join([*ARTICLE, *lines]))
    for line in lines:
        assert "off_language" not in labels_of(report, line[:10]), line


def test_html_markup_left_in_the_text_is_not_a_language(fast_checker):
    """A scraper's leftover tags are not words: an image tag beside 'Advertisement' was read as German, an empty
    ad slot's div as Swedish, an image tag alone as Tagalog (session 25). A German paragraph wrapped in <p> is
    still German, and 'a < b' comparisons are not tags."""
    lines = ['<img src="https://cdn.example.net/ads/slot_728x90.gif" width="728" height="90" alt=""> Advertisement',
             '<div class="ad-slot" data-position="mid"></div>',
             '<img src="https://cdn.example.net/photos/ferry.jpg" alt="Ferry">',
             '<!-- sidebar start --><span class="caption-credit"></span>']
    german = ("<p>Die F\u00e4hrgesellschaft wird ab Dezember drei zus\u00e4tzliche Fahrten pro Woche anbieten, "
              "nachdem sich die Bewohner der Insel beschwert hatten.</p>")
    comparison = "Die Stadt sagt, dass a < b und c > d gilt, und die Gemeinde will weiter auf ein neues Schiff dr\u00e4ngen."
    report = fast_checker.check("\n\n".join([*ARTICLE[:2], *lines, *ARTICLE[2:], german, comparison]))
    for line in lines:
        assert "off_language" not in labels_of(report, line[:30]), line
    assert labels_of(report, "<p>Die F") == ["off_language"]
    assert labels_of(report, "Die Stadt sagt") == ["off_language"]


def test_english_sentence_quoting_another_language_stays_english(fast_checker):
    quoting = ["The ferry company's French partner told reporters in Calais: \u201cNous ne laisserons pas tomber les "
               "habitants de l'\u00eele, et nous continuerons \u00e0 assurer la travers\u00e9e tout l'hiver\u201d, "
               "before the talks ended.",
               'At the harbour, a banner read "\u0417\u0430\u043a\u0440\u044b\u0442\u043e \u0434\u043e '
               '\u0432\u0435\u0441\u043d\u044b \u0438 \u0431\u0435\u0437 \u043f\u0440\u0438\u0447\u0438\u043d" '
               'while the crews waited for the storm to pass over the island.']
    # the same words with the frame in French too: a French paragraph
    french = ("\u00ab Nous ne laisserons pas tomber les habitants de l'\u00eele \u00bb, a d\u00e9clar\u00e9 le "
              "partenaire fran\u00e7ais de la compagnie, avant la fin des discussions \u00e0 Calais.")
    report = fast_checker.check("\n\n".join([*ARTICLE, *quoting, french]))
    for line in quoting:
        paragraph = next(p for p in report.paragraphs if p["text"] == line)
        assert paragraph["labels"] == [] and paragraph["language"] == "en", line
    assert labels_of(report, french[:20]) == ["off_language"]


def test_teaser_with_english_loanwords_joins_its_foreign_block(fast_checker):
    teasers = ["Presyo ng bigas, tataas ngayong linggo", "Bagyong Egay, nag-landfall sa Cagayan",
               "Metro Manila, isinailalim sa state of calamity"]   # English enough alone, but 'sa' is Tagalog
    english_headline = "Sunak mulls snap poll"   # langdetect may call it Tagalog; no Tagalog word in it
    report = fast_checker.check("\n\n".join([*ARTICLE, *teasers, english_headline]))
    for teaser in teasers:
        assert labels_of(report, teaser) == ["off_language"], teaser
    assert next(p for p in report.paragraphs if "Metro Manila" in p["text"])["evidence"][0]["rule"] == \
        "beside_same_language_paragraph"
    assert labels_of(report, english_headline) == []


def test_code_mixed_headlines_join_their_foreign_block(fast_checker):
    """Tagalog news headlines borrow English content words and keep Tagalog grammar words ('sa', 'ng'): alone
    they read as English (or langdetect says Spanish), beside a Tagalog teaser they are part of it, and so is
    a short line beside them. English headlines beside the block stay English, with English function words or
    none, and with a word that is another language's function word but also English ('con', 'hat')."""
    teasers = ["Presyo ng gasolina, bababa ngayong linggo",            # Tagalog on its own
               "Health workers nag-protest sa hospital budget cuts",   # English to the vocabulary and langdetect
               "Mayor nag-sorry sa flood control delays",
               "Basahin pa"]                                           # short: joins the block beside it
    english = ["Crypto con artist jailed", "Kane hat trick sinks Spurs", "Police arrest two in Lagos"]
    report = fast_checker.check("\n\n".join([*ARTICLE, *teasers, *english]))
    for teaser in teasers:
        assert labels_of(report, teaser) == ["off_language"], teaser
    assert next(p for p in report.paragraphs if p["text"] == teasers[1])["evidence"][0]["rule"] == \
        "beside_foreign_paragraph_foreign_grammar"
    for line in english:
        assert labels_of(report, line) == [], line


def test_english_headline_with_one_loanword_spelt_with_foreign_letters_stays_english(fast_checker):
    """review24: one lowercase word with letters English does not use made an English headline beside a foreign
    trailer join it (beside_foreign_paragraph_foreign_grammar); English borrows such words. Two such words, or
    another language's function word ('sa'), still join."""
    tagalog = ("Inaasahang tataas ang presyo ng bigas sa mga pamilihan ngayong linggo, ayon sa mga opisyal ng "
               "kagawaran.")
    english = ["Government boosts wh\u0101nau support funding", "Critics slam sm\u00f6rg\u00e5sbord budget plan",
               "Residents oppose a\u00e7a\u00ed bar plan", "Mayor's \u00fcber-cool bike lanes unveiled"]
    for line in english:
        for body in ([*ARTICLE, line, tagalog], [*ARTICLE, tagalog, line]):
            report = fast_checker.check("\n\n".join(body))
            assert labels_of(report, tagalog[:20]) == ["off_language"]
            assert labels_of(report, line) == [], line
    report = fast_checker.check("\n\n".join([*ARTICLE, tagalog, "Mayor nag-sorry sa flood control delays"]))
    assert labels_of(report, "Mayor nag-sorry") == ["off_language"]


def test_english_headline_with_a_borrowed_phrase_stays_english(fast_checker):
    """review24: French, Italian and Latin function words that English writes in borrowed phrases ('en route',
    'au pair', 'et al', 'al fresco', 'du jour') or before a surname ('du Plessis') made an English headline
    beside a foreign trailer join it as another language's grammar."""
    tagalog = ("Inaasahang tataas ang presyo ng bigas sa mga pamilihan ngayong linggo, ayon sa mga opisyal ng "
               "kagawaran.")
    spanish = ("El operador del transbordador a\u00f1adir\u00e1 tres salidas semanales a partir de diciembre, "
               "despu\u00e9s de las quejas de los vecinos de la isla.")
    english = ["Protesters march en masse outside parliament", "Troops arrive en route home",
               "Parents hire au pair despite costs", "Smith et al publish vaccine study",
               "Council backs al fresco dining plan", "Soup du jour wins fans", "Rugby star du Plessis injured"]
    for trailer in (tagalog, spanish):
        for line in english:
            report = fast_checker.check("\n\n".join([*ARTICLE, line, trailer]))
            assert labels_of(report, trailer[:20]) == ["off_language"]
            assert labels_of(report, line) == [], line


def test_foreign_grammar_words_leave_out_words_english_has_too():
    from qualitycheck.signals.language import measure

    assert measure("Mayor nag-sorry sa flood control delays").foreign_grammar_words == 1   # 'sa'
    assert measure("Crypto con artist jailed").foreign_function_share > 0                  # Spanish 'con'...
    assert measure("Crypto con artist jailed").foreign_grammar_words == 0                  # ...is an English word
    # a word spelt with a letter English does not use counts; 'del' is Spanish grammar but an English word too
    assert measure("El ministro visita la región del norte").foreign_grammar_words == 1   # 'región'


@pytest.mark.parametrize("opening, closing", [("\u00bb", "\u00ab"), ("\u201d", "\u201d"), ("\u201a", "\u2018"), ("'", "'")],
                         ids=["German guillemets", "Swedish (or converted) right quotes", "German single quotes",
                              "straight single quotes"])
def test_english_sentence_quoting_german_in_other_quote_styles_stays_english(fast_checker, opening, closing):
    line = (f"The partner said: {opening}Wir werden die Menschen auf der Insel nicht im Stich lassen, weder heute "
            f"noch morgen{closing}, before leaving the building.")
    german = (f"{opening}Wir werden die Menschen auf der Insel nicht im Stich lassen{closing}, sagte der deutsche "
              f"Partner der Reederei vor dem Ende der Gespr\u00e4che in Kiel.")
    report = fast_checker.check("\n\n".join([*ARTICLE, line, german]))
    paragraph = next(p for p in report.paragraphs if p["text"] == line)
    assert paragraph["labels"] == [] and paragraph["language"] == "en"
    assert labels_of(report, "sagte der") == ["off_language"]


@pytest.mark.parametrize("opening, closing", [("\u2018", "\u2019"), ("'", "'")], ids=["curly", "straight"])
def test_a_quotation_in_single_quotes_across_a_hard_wrapped_line_stays_in_the_frame(fast_checker, opening, closing):
    """A hard-wrapped paragraph keeps its line break inside the quotation: single quotes are matched across it,
    as double quotes are."""
    line = (f"The partner said: {opening}Wir werden die Menschen auf der Insel nicht\n"
            f"im Stich lassen, weder heute noch morgen{closing}, before leaving the building.")
    report = fast_checker.check("\n\n".join([*ARTICLE, line]))
    paragraph = report.paragraphs[-1]
    assert paragraph["text"] == line   # one paragraph (hard-wrapped)
    assert paragraph["labels"] == [] and paragraph["language"] == "en"


def test_a_long_foreign_paragraph_full_of_unclosed_quotes_is_judged_in_linear_time(fast_checker, monkeypatch):
    """Finding the quotations of a paragraph with many single quotes that never close ('el \u2018nuevo ...' a thousand
    times) takes time quadratic in its length (a 244,000-character one: 3.3 s more per check), so the frame is looked
    for only in paragraphs of a few sentences (FRAME_MAX_CHARS)."""
    from qualitycheck.signals import language

    searched = []

    class Recording:
        def __init__(self, pattern):
            self.pattern = pattern

        def sub(self, replacement, text):
            searched.append(len(text))
            return self.pattern.sub(replacement, text)

    monkeypatch.setattr(language, "_QUOTATION", Recording(language._QUOTATION))
    for mark in ("\u2018", "'"):
        spanish = " ".join([f"Los vecinos de la isla dicen que el {mark}nuevo horario del ferry no sirve para nadie "
                            f"en invierno."] * 2600)
        report = fast_checker.check("\n\n".join([*ARTICLE * 1000, spanish]))
        assert report.paragraphs[-1]["labels"] == ["off_language"]
    assert searched == []
    short = ("The partner said: \u2018Wir werden die Menschen auf der Insel nicht im Stich lassen, weder heute noch "
             "morgen\u2019, before leaving the building.")
    assert fast_checker.check("\n\n".join([*ARTICLE, short])).paragraphs[-1]["labels"] == []
    assert searched == [len(short)]


def test_non_latin_script_paragraph(fast_checker):
    greek = "Ο διαχειριστής του πορθμείου θα προσθέσει τρία επιπλέον δρομολόγια την εβδομάδα."
    report = fast_checker.check("\n\n".join([*ARTICLE, greek]))
    assert labels_of(report, greek[:10]) == ["off_language"]


def test_scores_and_verdicts(fast_checker):
    clean = fast_checker.check("\n\n".join(ARTICLE + ["Ferry passengers can book the extra crossings online or at the harbour office from next week."]))
    assert clean.score >= 0.8
    chrome = fast_checker.check("\n\n".join([ARTICLE[0], "Subscribe", "Login", "Share", "Comments", "Menu", "Search"]))
    assert chrome.score < clean.score
    assert chrome.verdict in ("review", "drop")


@pytest.mark.parametrize("line", [
    "Home » News » Local", "Notify me of new posts by email.", "Click to share on Facebook (Opens in new window)",
    "Do Not Sell My Personal Information", "Recent Posts", "You must be logged in to post a comment.",
    "Subscribe to our newsletter for the latest stories.", "© 2025 Valley Herald Media", "Read more",
    "Tags: ferry, island, timetable", "Sponsored Content", "Cookie Settings", "Privacy Policy | Terms of Use",
    "Comments are closed.", "Sign in to comment", "Post navigation", "Like Loading...", "Report an error",
    "Enter your email address", "Have a news tip? Get in touch", "Email this article", "Toggle caption",
    "Facebook Twitter LinkedIn Email", "Elsewhere on the network", "Thanks for reading!",
    "This article was originally published on the Valley Herald.", "More stories you might have missed",
    "Please enable JavaScript to view the comments", "You have reached your limit of free articles",
    "Paid partnership", "Sign up for our daily briefing", "Tap here to subscribe", "Read the full story here",
    "Enlarge this image", "Get the app",
    "Leave a Reply Cancel reply", "Like this: Like Loading...", "Share this: Twitter Facebook",
    "Share this article on Facebook Twitter LinkedIn Email", "This site uses Akismet to reduce spam.",
    "Log in or register to post comments", "Your comment will be reviewed before it appears.",
    "Reprints & Permissions", "About us | Careers | Advertise with us", "Close this dialog",
    "Watch the video above", "Have a story? Email the newsdesk", "Donate now",
    "Related: Ferry timetable changes explained",
    "A version of this article appears in print on page 4 of the Valley Herald.", "Order Reprints | Today's Paper",
    "Just watched", "Up next", "More videos", "NOW WATCH: How the ferry crossing works",
    "This article is more than 3 years old", "Please read our commenting guidelines.",
    "You can unsubscribe at any time.", "Media playback is unsupported on your device",
    "Share this story on Facebook, X or WhatsApp", "Share on Facebook Share on X Share via Email",
    "This article has been shared 312 times.", "Comments (4)", "Tell us what you think: join the comments below.",
    "Thank you for reading. Please consider supporting local news.", "Turn on notifications",
    "Loading comments...", "Contact us · Advertise · Work with us · Accessibility", "Older post Newer post",
    "We and our partners use cookies to measure audiences.", "Reject all", "Hide comments", "Sort by: Oldest",
    "Page 2 of 7", "1 2 3 4 Next »", "Load more articles", "View gallery", "Click to enlarge", "Play video",
    "0:45 / 3:10", "Advertisement Advertisement", "Story continues below", "Ads by Google", "From our partners",
    "Forgot your password?", "Don't have an account? Sign up", "Register for free", "Join our mailing list",
    "Sharing is caring!", "Email this to a friend", "Newer Post Older Post Home", "Labels: ferry, island",
    "ALSO READ | Ferry fares to rise", "Editorial standards", "Contact the reporter", "Jobs | Help | Archives",
    "Jump to Recipe", "Skip to content", "Search for: ferries", "Search for news, topics and people",
    "Register now", "E-mail to a friend",
    "Get unlimited access to our reporting for $2 a week.", "You have 2 free articles left this month.",
    "If you liked this story, please share it with your friends.", "We value your privacy",
    "By using this site you agree to our use of cookies.", "Please confirm you are not a robot.",
    "Your browser is out of date.", "This video is no longer available.", "Already registered? Sign in",
    "Read our privacy policy.", "Download the Valley Herald app on iOS and Android.", "Tap to unmute",
    "Continue reading below", "Show more comments", "Table of contents", "Listen to our podcast on Spotify.",
    "Home News Sport Business Weather", "World | Politics | Tech | Health", "English | Deutsch | Français",
    "Menu Search Sign in", "Log in / Register", "Open menu", "Sign in with Google", "Open in app",
    "Weather: 14°C Sunny", "Copy link", "You have 5 gift articles to give this month.",
    "Print Recipe", "Rate this recipe", "Did you make this recipe? Tag us on Instagram", "Add to basket", "Quick view",
    "Edit this page", "Reply with quote", "Joined: 4 Jun 2018", "Posts: 318", "Upvote", "Post Comment", "Dismiss",
    "Skip ad", "Manage subscription", "RSS feed", "Name * Email * Website", "Next: Ferry fares explained",
    "Subscribe to the Valley Herald for just £2 a month.", "Existing subscribers, please sign in.",
    "This article is available to subscribers only.", "Please log in to read this story.", "Sign in to continue",
    "You must be signed in to comment.", "Found this useful? Share it with a friend.", "Copy this link",
    "Your details will be used in accordance with our privacy policy.", "Copyright Valley Herald Media 2024",
    "These links open in a new window.", "Get 40% off your first year of digital subscription.",
    "Related Videos", "People also read", "More like this", "What to read next", "Editor's choice", "Top picks",
    "Further reading", "In other news", "Read next: Ferry fares to rise", "Discover more",
    "Sign up for breaking news alerts", "Sponsored Stories", "Around the Web", "Recommended by Outbrain",
    "Like this story? Share it with a friend", "Enjoyed this article? Tell your friends.",
])
def test_common_chrome_lines(fast_checker, line):
    report = fast_checker.check("\n\n".join([*ARTICLE, line]))
    assert set(labels_of(report, line)) & {"boilerplate", "ad_marker"}, line


def test_german_trailer_despite_shared_vocabulary(fast_checker):
    # Short German function words (die, den, am, hat) also occur in English corpora.
    german = ("Die Bundesregierung hat am Montag neue Regeln für den Handel beschlossen, "
              "die ab dem nächsten Jahr gelten sollen und auch kleine Firmen betreffen.")
    report = fast_checker.check("\n\n".join([*ARTICLE, german]))
    assert labels_of(report, "Die Bundesregierung") == ["off_language"]


def test_foreign_function_words_are_not_english_vocabulary(fast_checker):
    # A Tagalog teaser headline full of English loanwords: "kay" and "sa" are also in the English
    # vocabulary (as names), which once let the line pass as English.
    tagalog = "Iniabot ng envoy ang credentials kay Queen sa palace"
    report = fast_checker.check("\n\n".join([*ARTICLE, tagalog]))
    assert labels_of(report, "Iniabot") == ["off_language"]


def test_sparse_langdetect_table_matches_langdetect():
    # The sparse profile table must give langdetect exactly the rows its own loader builds.
    from langdetect import DetectorFactory, detector_factory

    from qualitycheck.signals.language import _sparse_factory

    dense = DetectorFactory()
    dense.load_profile(detector_factory.PROFILES_DIRECTORY)
    sparse = _sparse_factory()
    sparse.load_profile(detector_factory.PROFILES_DIRECTORY)
    assert sparse.langlist == dense.langlist
    assert set(sparse.word_lang_prob_map) == set(dense.word_lang_prob_map)
    for k, ngram in enumerate(dense.word_lang_prob_map):
        if k % 50 == 0 or len(ngram) == 1:
            assert sparse.word_lang_prob_map[ngram] == dense.word_lang_prob_map[ngram], ngram
            assert sparse.word_lang_prob_map[ngram] == dense.word_lang_prob_map[ngram]  # cached row too


def test_short_foreign_headlines_with_one_english_looking_word(fast_checker):
    # One word shared with English ("most", "no", "in") is 20-25 % of a four-word foreign headline:
    # not enough English function words to call it English.
    teasers = ["Prezydent otworzył nowy most w Krakowie", "Chuvas fortes deixam desalojados no Recife",
               "Zware regen zorgt voor overlast in Rotterdam"]
    headlines = ["Storm damage closes coastal rail line for weeks", "Bank raises rates to curb inflation",
                 "Nurses vote to strike over pay"]
    report = fast_checker.check("\n\n".join([*ARTICLE, *headlines, *teasers]))
    for line in teasers:
        assert labels_of(report, line) == ["off_language"], line
    for line in headlines:
        assert labels_of(report, line) == [], line


@pytest.mark.parametrize("text, language", [
    ("Hello", "en"), ("OK", "en"),            # langdetect alone said Finnish and Portuguese
    ("Asdfgh qwerty", None), ("Der Bürgermeister", None), ("2024", None),
    ("Le maire a ouvert le pont.", "fr"),     # five lowercase words: langdetect's call stands
])
def test_documents_of_one_or_two_words_get_no_language_guess(fast_checker, text, language):
    report = fast_checker.check(text)
    assert report.language == language
    assert any(n.startswith("language not identified") for n in report.notes) == (language is None)


@pytest.mark.parametrize("text", [
    "aaaa " * 300,                                        # one word over and over
    "\n\n".join(f"p{i}" for i in range(300)),             # numbered placeholders
    "\n".join(("ab", "cd", "ef")[i % 3] for i in range(300)),
])
def test_repetitive_junk_has_no_language(fast_checker, text):
    # langdetect named a language for each (Somali, Tagalog, Welsh) and the page was kept with score 1.0
    report = fast_checker.check(text)
    assert report.language is None
    assert any("only" in n and "different ones" in n for n in report.notes)
    assert report.verdict == "review"


# Articles in scripts without letter case, written for this project, with a line in another language.
UNCASED = {
    "ja": ["市当局は月曜日、半年間の改修工事を経て港の橋が再び通行可能になったと発表した。",
           "工事は予定より二週間早く終わり、費用も予算を下回ったという。担当者は市民の協力に感謝していると述べた。",
           "地元の商店主らは、閉鎖期間中に売り上げが大きく落ち込んだと話しており、客足の早期回復を期待している。"],
    "zh-cn": ["市政府周一宣布，经过六个月的维修，港口大桥已重新开放通车。",
              "官员表示，工程比原计划提前两周完成，费用也低于预算。负责人感谢市民的耐心配合。",
              "当地商户说，大桥关闭期间生意明显下降，希望客流能尽快恢复。"],
    "ar": ["أعلنت السلطات المحلية يوم الاثنين إعادة فتح جسر الميناء أمام حركة المرور بعد ستة أشهر من أعمال الصيانة.",
           "وقال مسؤولون إن الأعمال انتهت قبل الموعد المحدد بأسبوعين وبتكلفة أقل من الميزانية.",
           "ويأمل أصحاب المتاجر القريبة أن يعود الزبائن بسرعة بعد أن تراجعت مبيعاتهم خلال فترة الإغلاق."],
}
OTHER_LINES = {
    "en": "The bridge was first opened in 1932 and now carries forty thousand vehicles a day.",
    "ru": "Мост был открыт в 1932 году и ежедневно пропускает сорок тысяч автомобилей.",
    "he": "הגשר נפתח לראשונה בשנת 1932 ועוברים בו מדי יום ארבעים אלף כלי רכב.",
}


@pytest.mark.parametrize("main, other", [(m, o) for m in sorted(UNCASED) for o in ("en", "ru")] + [("ar", "he")])
def test_an_article_in_a_script_without_case_keeps_its_language(fast_checker, main, other):
    # its words once weighed nothing (only lowercase words did), so one English or Russian line made the
    # whole article off-language, or went unflagged as the document's own language
    report = fast_checker.check("\n\n".join([*UNCASED[main], OTHER_LINES[other]]))
    assert report.language == main
    *body, line = report.paragraphs
    assert all(p["labels"] == [] for p in body)
    assert line["labels"] == ["off_language"] and line["language"] == other


def test_lowercase_i_is_foreign_evidence_not_english(fast_checker):
    # Lower-case "i" is "in" in Norwegian and Swedish, "and" in Czech: it once counted as the English
    # pronoun and passed these short teaser headlines as English. English writes "I"; "i.e." stays English.
    teasers = ["Politiet etterforsker ran i Bergen", "Brand i Göteborg i natt", "Povodně na Moravě i v Čechách"]
    english = "The rules apply to larger firms, i.e. those with more than 250 staff, from next April."
    report = fast_checker.check("\n\n".join([*ARTICLE, english, *teasers]))
    for line in teasers:
        assert labels_of(report, line) == ["off_language"], line
    assert labels_of(report, "The rules apply") == []


@pytest.mark.parametrize("line", [
    "The charity urged people to donate now, before the winter appeal closes at the end of the month.",
    "She said she would leave a reply to the letter until after the election, when she had more time.",
    "Share this view? Many residents do, according to a survey of 2,000 households published on Monday.",
    "Comments will be reviewed by the committee before a final decision is made next spring.",
    "Watch the video above, the mayor told reporters, and you will see how bad the flooding was.",
    "Have a story to tell about the floods? The museum wants to hear from residents for its archive.",
    "Reporters were asked to log in or register before the press conference could start, officials said.",
    "Facebook and Twitter both said they would review the rules.",
    "Customers can unsubscribe from the service by phone, the company said.",
    "The replay will be shown on Saturday afternoon after the original match was abandoned.",
    "Around the web, fans shared pictures of the parade.",
    "The ferry company will share the cost with the council, and details will be sent by email to residents.",
    "The photo was shared 40,000 times before the ministry removed it, officials said on Monday.",
    "Thank you for reading the letter aloud, the judge told the clerk before the hearing resumed.",
    "Jobs, help for small firms and the cost of housing were the main themes of the debate, she said.",
    "Libraries across the region subscribe to the journal, the publisher said on Monday.",
    "Jobs", "Help",   # an article's subheadings: chrome only beside other footer links
    # headlines and prose with navigation words
    "Search for survivors continues", "Shoppers skip to the sales", "Critics view all options as too costly",
    "Register now, officials urged voters before the deadline closes.", "Email to a friend led to the arrest, police said.",
    "Inspectors were given unlimited access to the sites, the agency said on Monday.",
    "Those already registered will not need to apply again, the electoral office said.",
    "Patients were told to download the new health app on their phones before the appointment.",
    "Listen to the podcast, the presenter urged, before deciding whether the claims were true.",
    "The company said it valued privacy, and would not share the data with other firms.",
    "Business, politics and sport dominated the weekend papers.", "World leaders meet in Paris",
    "Next year the council will review the fares again, officials said.", "Status of the bridge remains unclear",
    "The firm said its digital subscription revenue rose by 10% in the year to March.",
    "Existing subscribers will see their bills rise by £2 a month from April, the company said.",
    "The service is available to subscribers in 30 countries, the broadcaster said.",
    "Customers could not log in to access their accounts for most of Tuesday, the bank said.",
    "He urged people who had seen the video to share it with others, police said.",
    "A copyright dispute over the song began in 2019 and reached the High Court in 2023.",
    "Elsewhere",   # a round-up's subheading
])
def test_chrome_words_in_prose_stay_clean(fast_checker, line):
    report = fast_checker.check("\n\n".join([*ARTICLE, line]))
    assert labels_of(report, line[:25]) == [], line


def test_recommendation_widgets_are_boilerplate_not_ad_markers(fast_checker):
    # ad_marker is kept for ad placeholders left in the text; sponsored-content headings are page chrome
    report = fast_checker.check("\n\n".join([*ARTICLE, "Sponsored Stories", "Advertisement"]))
    assert labels_of(report, "Sponsored Stories") == ["boilerplate"]
    assert "ad_marker" in labels_of(report, "Advertisement")
    # ad-network captions and a 'continues below' without the word ad are page chrome too
    for line in ("Ads by Google", "Sponsored links", "Story continues below"):
        report = fast_checker.check("\n\n".join([*ARTICLE, line]))
        assert labels_of(report, line) == ["boilerplate"], line
    report = fast_checker.check("\n\n".join([*ARTICLE, "Story continues below advertisement"]))
    assert "ad_marker" in labels_of(report, "Story continues below advertisement")


ARTIKEL = [
    "Fähre fährt im Winter öfter",
    "Die Reederei der Insel bietet ab Dezember drei zusätzliche Überfahrten pro Woche an, nachdem sich Bewohner "
    "beschwert hatten, dass sie am Wochenende nicht mehr auf das Festland kamen.",
    "Die neuen Fahrten sollen freitags und sonntags stattfinden, wenn Studierende und Patienten des Krankenhauses "
    "die Fähre am häufigsten nutzen.",
    "Der Gemeinderat begrüßte die Änderung, will sich aber weiter für ein größeres Schiff auf der Strecke einsetzen.",
]
ARTICLE_FR = [
    "Le conseil municipal a adopté mardi soir un nouveau budget après un long débat sur le coût de la réparation "
    "du vieux pont du port, fermé aux poids lourds depuis le printemps.",
    "Le maire a déclaré que les travaux commenceraient le mois prochain et devraient être terminés avant la fin de "
    "l'année, même si plusieurs élus craignent que la facture augmente encore.",
]


@pytest.mark.parametrize("article, chrome, related, teasers", [
    (ARTIKEL, [("- Anzeige -", "ad_marker"), ("Artikel teilen", "boilerplate"),
               ("Schreibe einen Kommentar Antworten abbrechen", "boilerplate"),
               ("Deine E-Mail-Adresse wird nicht veröffentlicht. Erforderliche Felder sind mit * markiert",
                "boilerplate"),
               ("Jetzt den Newsletter abonnieren und nichts verpassen", "boilerplate")],
     "Mehr zum Thema", ["Neue Radwege am Hafen geplant", "Stadtwerke erhöhen die Preise"]),
    (ARTICLE_FR, [("PUBLICITÉ", "ad_marker"), ("Partager cet article", "boilerplate"),
                  ("Laisser un commentaire", "boilerplate"),
                  ("Votre adresse e-mail ne sera pas publiée. Les champs obligatoires sont indiqués avec *",
                   "boilerplate"),
                  ("Abonnez-vous à notre newsletter", "boilerplate")],
     "À lire aussi", ["Les pêcheurs inquiets pour la saison", "Un nouveau collège ouvrira en septembre..."]),
])
def test_chrome_of_german_and_french_news_sites(fast_checker, article, chrome, related, teasers):
    """Ad labels, share bars, WordPress comment forms, newsletter prompts and related-article blocks in other
    languages are chrome too; the article's own paragraphs stay clean and the document keeps its language."""
    body = [article[0], chrome[0][0], *article[1:], *(line for line, _ in chrome[1:]), related, *teasers]
    report = fast_checker.check("\n\n".join(body))
    assert report.language == ("de" if article is ARTIKEL else "fr")
    for line, label in chrome:
        assert labels_of(report, line[:20]) == [label], line
    assert labels_of(report, related) == ["boilerplate"]
    for teaser in teasers:
        assert labels_of(report, teaser[:20]) == ["boilerplate"], teaser
    for paragraph in article:
        assert labels_of(report, paragraph[:30]) == [], paragraph


def test_other_language_chrome_words_in_prose_stay_clean(fast_checker):
    """The rules match whole lines or short notices: prose that uses the same words is article text."""
    prose = ["Die Anzeige gegen den Bürgermeister wurde am Montag von der Staatsanwaltschaft geprüft.",
             "La publicité pour le nouveau pont a coûté plus cher que prévu, selon le rapport de la cour des comptes.",
             "Los comentarios del ministro sobre el puerto provocaron una ola de críticas en el ayuntamiento."]
    for line in prose:
        report = fast_checker.check("\n\n".join([line, *ARTIKEL[1:]]))
        assert not set(labels_of(report, line[:25])) & {"boilerplate", "ad_marker"}, line


# --- the neighbour rule of the language signal (twelfth session: made linear) ---------------------------------


def _reference_neighbours(paragraphs, evidence, undecided):
    """The rule as first written: whole passes in reading order until nothing changes (quadratic)."""
    from qualitycheck.signals.language import NEIGHBOUR_VOCAB_SHARE
    changed = True
    while changed:
        changed = False
        for i in undecided:
            p, ev = paragraphs[i], evidence[i]
            if (p.has("off_language") or ev.lower_words == 0 or ev.vocab_share >= NEIGHBOUR_VOCAB_SHARE
                    or ev.all_vocab_share >= NEIGHBOUR_VOCAB_SHARE):
                continue
            foreign = next((paragraphs[j] for j in (i - 1, i + 1)
                            if 0 <= j < len(paragraphs) and paragraphs[j].has("off_language")), None)
            if foreign is not None:
                p.language = foreign.language
                p.add("off_language", "beside_foreign_paragraph",
                      f"short line beside off-language paragraph {foreign.index}; "
                      f"English vocabulary {ev.all_vocab_share:.0%} of {ev.all_words} words")
                changed = True


def test_neighbour_rule_equals_the_pass_by_pass_rule_and_is_linear(monkeypatch):
    import random
    from types import SimpleNamespace

    from qualitycheck.document import Paragraph
    from qualitycheck.signals.language import LanguageSignal

    def make(n, spec):
        out = []
        for i, (foreign, lang) in enumerate(spec):
            p = Paragraph(index=i, start=0, end=0, text="x")
            if foreign:
                p.add("off_language", "langdetect", "seeded", 1.0)
                p.language = lang
            out.append(p)
        return out

    rng = random.Random(5)
    for _ in range(2000):
        n = rng.randint(1, 12)
        spec = [(rng.random() < 0.2, rng.choice(["de", "fr", "ru"])) for _ in range(n)]
        evidence = [SimpleNamespace(lower_words=rng.choice([0, 1, 2]), vocab_share=rng.choice([0.0, 0.1, 0.9]),
                                    all_vocab_share=rng.choice([0.0, 0.2, 0.9]), all_words=rng.randint(1, 5))
                    for _ in range(n)]
        undecided = sorted(rng.sample(range(n), rng.randint(0, n)))
        expected, got = make(n, spec), make(n, spec)
        _reference_neighbours(expected, evidence, undecided)
        LanguageSignal._judge_by_neighbours(got, evidence, undecided)
        assert [(p.flags, p.language) for p in got] == [(p.flags, p.language) for p in expected]

    # 2,000 one-word lines above a foreign paragraph: the label climbs one line per pass. Counted in calls
    # to Paragraph.has (a timed test would be flaky): the pass-by-pass rule makes millions.
    calls = 0
    has = Paragraph.has

    def counting(self, label):
        nonlocal calls
        calls += 1
        return has(self, label)

    n = 2000
    paragraphs = make(n + 1, [(False, "")] * n + [(True, "ru")])
    evidence = [SimpleNamespace(lower_words=1, vocab_share=0.0, all_vocab_share=0.0, all_words=1)] * (n + 1)
    monkeypatch.setattr(Paragraph, "has", counting)
    LanguageSignal._judge_by_neighbours(paragraphs, evidence, list(range(n)))
    assert all(p.language == "ru" for p in paragraphs)
    assert calls < 20 * n, calls


def test_a_page_of_related_headings_is_checked_in_one_walk(monkeypatch):
    """Each "Related" heading checked its whole tail for teasers: quadratic in headings (twelfth session)."""
    from qualitycheck.config import Config
    from qualitycheck.reading import record_to_raw
    from qualitycheck.segment import segment
    from qualitycheck.signals import boilerplate

    calls = 0
    is_teaser = boilerplate._is_teaser

    def counting(paragraph):
        nonlocal calls
        calls += 1
        return is_teaser(paragraph)

    monkeypatch.setattr(boilerplate, "_is_teaser", counting)
    config = Config(spin_enabled=False)
    for tail in ("", ("\n\nThe council met on Tuesday and agreed the budget for the year.")):
        calls = 0
        doc = segment(record_to_raw({"text": "Related Articles\n\n" * 2000 + tail.lstrip("\n")}, "x", config))
        boilerplate.BoilerplateSignal().apply(doc, config)
        assert sum(1 for p in doc.paragraphs if p.has("boilerplate")) == 2000   # every heading, not the prose
        assert calls < 10 * 2000, calls


def test_duplicate_signal_equals_the_compare_every_earlier_key_rule():
    """The repeat-with-suffix lookup by length (twelfth session; comparing each paragraph with every earlier
    one of the same head took 2.2 s on 5,000 comment lines, now 0.07 s) and the stems of short tails (the
    ad-dup session: repeats that drop a credit or a site name; twenty-first session: captions that differ only in
    their credit) flag exactly what comparing every pair does."""
    import random

    from qualitycheck.config import Config
    from qualitycheck.document import Document, Paragraph
    from qualitycheck.signals.duplicates import (
        _AGENCY_END, _CREDIT_START, CONTAINED_MIN_WORDS, CONTINUATION_MIN_WORDS, MIN_DUPLICATE_CHARS, PREFIX_COVER,
        PULL_QUOTE_MIN_WORDS, TAIL_MAX_CHARS, ContainedPassageSignal, DuplicateSignal, _quotation)
    from qualitycheck.textnorm import compare_key

    def repeats(short, long):
        """`long` is `short` plus a tail at a word boundary that makes a repeat of it."""
        n = len(short)
        if not (n < len(long) and long.startswith(short) and long[n] == " "):
            return False
        start = max(MIN_DUPLICATE_CHARS, len(long) - TAIL_MAX_CHARS - 1)
        credit = n >= start and bool(_CREDIT_START.match(long, n + 1) or _AGENCY_END.search(long, start))
        if n >= PREFIX_COVER * len(long):
            return "credit" if credit else (n >= len(long) - TAIL_MAX_CHARS - 1 or "forward")
        return credit and "credit"

    def reference(doc):
        seen, earlier = {}, []
        for paragraph in doc.paragraphs:
            key = compare_key(paragraph.text)
            if len(key) < MIN_DUPLICATE_CHARS:
                continue
            if key in seen:
                paragraph.add("duplicate", "exact_repeat", f"repeats paragraph {seen[key]}")
                continue
            longer = [(index, prior) for prior, index in earlier if repeats(prior, key)]
            shorter = [(index, prior) for prior, index in earlier if repeats(key, prior) in (True, "credit")]
            if longer:
                index, prior = min(longer)
                tail_words = key[len(prior):].split()
                credit = repeats(prior, key) == "credit"
                if len(tail_words) >= CONTINUATION_MIN_WORDS and not credit:   # the later copy is the fuller one
                    if not doc.paragraphs[index].has("duplicate"):
                        doc.paragraphs[index].add(
                            "duplicate", "repeated_with_more", f"repeated at the start of paragraph "
                            f"{paragraph.index}, which goes on for {len(key) - len(prior)} more characters")
                else:
                    paragraph.add("duplicate", "repeat_with_suffix",
                                  f"repeats paragraph {index} plus {len(key) - len(prior)} characters")
            elif shorter:
                index, prior = min(shorter)
                paragraph.add("duplicate", "repeat_without_suffix",
                              f"repeats paragraph {index} less {len(prior) - len(key)} characters")
            elif other := [index for prior, index in earlier if credit_stems(key) & credit_stems(prior)]:
                paragraph.add("duplicate", "repeat_with_other_credit", f"repeats paragraph {min(other)} with another credit")
            seen[key] = paragraph.index
            earlier.append((key, paragraph.index))
        # then passages found inside another paragraph (pull quotes), compared with every other paragraph
        kept = [(p, compare_key(p.text)) for p in doc.paragraphs
                if len(compare_key(p.text)) >= MIN_DUPLICATE_CHARS and not p.labels]
        flagged = set()   # a paragraph flagged as a passage of another holds none itself
        for paragraph, key in kept:
            quoted = _quotation(paragraph.text)
            if paragraph.index == 0:   # the title
                continue
            if quoted is not None and len(compare_key(quoted).split()) >= PULL_QUOTE_MIN_WORDS \
                    and len(compare_key(quoted)) >= MIN_DUPLICATE_CHARS:
                key, rule = compare_key(quoted), "pull_quote"
            elif len(key.split()) >= CONTAINED_MIN_WORDS:
                rule = "repeated_passage"
            else:
                continue
            inside = [p.index for p, k in kept if p is not paragraph and len(k) > len(key)
                      and f" {key} " in f" {k} " and p.index not in flagged]
            if inside:
                paragraph.add("duplicate", rule, f"repeats a passage of paragraph {inside[0]}")
                flagged.add(paragraph.index)

    def credit_stems(key):
        """`key` less each tail that opens with a credit, the part before it at least PREFIX_COVER."""
        start = max(MIN_DUPLICATE_CHARS, len(key) - TAIL_MAX_CHARS - 1)
        return {key[:n] for n in range(start, len(key))
                if key[n] == " " and n >= PREFIX_COVER * len(key) and _CREDIT_START.match(key, n + 1)}

    rng = random.Random(3)
    bases = ["The photo shows the harbour wall after the storm on Monday",
             "\u201cThe photo shows the harbour wall after the storm\u201d, she said on Monday",
             "Ferry operator adds winter sailings to the island route from December after complaints by residents "
             "who said the timetable left them stranded"]
    suffixes = ["", " Photo: Reuters", " x", "  ", ". AP", " credit line here", " | Island Times",
                " Jane Smith/Getty Images", "s and more", " (AP Photo/John Doe)", " on the coast", "!"]
    for _ in range(1500):
        texts: list[str] = []
        base = rng.choice(bases)
        for _ in range(rng.randint(1, 12)):
            text = base[:rng.randint(15, len(base))] + rng.choice(suffixes) * rng.randint(0, 2)
            texts.append(text if rng.random() < 0.8 or not texts else rng.choice(texts))

        def doc():
            return Document(id="x", path=None, text="\n\n".join(texts),
                            paragraphs=[Paragraph(index=i, start=0, end=0, text=t) for i, t in enumerate(texts)])
        expected, got = doc(), doc()
        reference(expected)
        DuplicateSignal().apply(got, Config(spin_enabled=False))
        ContainedPassageSignal().apply(got, Config(spin_enabled=False))
        assert [p.flags for p in got.paragraphs] == [p.flags for p in expected.paragraphs], texts


def test_fingerprint_spans_cover_the_tokens_a_hit_overlaps():
    """_pattern_spans finds a hit's tokens by bisection (twelfth session: a scan of every token per hit was
    quadratic in a paragraph full of hits); same tokens as the scan."""
    import random
    from types import SimpleNamespace

    from qualitycheck.spin import features

    rng = random.Random(4)
    for _ in range(500):
        tokens, at = [], 0
        for k in range(rng.randint(1, 30)):
            at += rng.randint(0, 2)
            length = rng.randint(1, 6)
            tokens.append((f"t{k}", at, at + length))
            at += length
        text = "x" * (at + 5)
        hits = []
        for _ in range(rng.randint(0, 6)):
            start = rng.randint(0, at + 2)
            hits.append((start, start + rng.randint(1, 8), SimpleNamespace(original="o")))
        table = SimpleNamespace(patterns=[1], trailers=[], pattern_hits=lambda _t, h=hits: list(h),
                                trailer=lambda _t: None)
        got = [(s.first, s.last) for s in features._pattern_spans(text, tokens, table)]
        expected = []
        for start, end, _ in hits:
            inside = [k for k, (_, s, e) in enumerate(tokens) if s < end and e > start]
            if inside:
                expected.append((inside[0], inside[-1] + 1))
        assert got == expected


# --- off-language families found with the stress set (tests/offlang_stress/); lines written for these tests ---

@pytest.mark.parametrize("line", [
    # langdetect has no profile for these languages and answered "en"; almost no word is English
    "Ny filankevitry ny tanàna dia nanapa-kevitra hanamboatra ny lalana rehetra amin'ity taona ity.",  # Malagasy
    "Beidh an cruinniú ar siúl sa halla pobail oíche Dé Máirt ag a hocht a chlog.",                    # Irish
    # "a", "in", "an" are English function words, but the content words are all foreign
    "Chiusa per lavori la strada in collina a Bergamo",                                                # Italian
    "Nuevo atasco a la entrada a Madrid por obras",                                                    # Spanish
    # a short line of names and numbers whose one or two lowercase words look foreign
    "Wisła Kraków przegrała z Rakowem 0:2",                                                            # Polish
    "Fenerbahçe deplasmanda kazandı: 3-1",                                                             # Turkish
    # Latin letters only in brand names, the rest in another script
    "ホンダ、新型Civic Type Rを来月発売",                                                                  # Japanese
])
def test_off_language_families_from_the_stress_set(fast_checker, line):
    report = fast_checker.check("\n\n".join([*ARTICLE, line]))
    assert labels_of(report, line) == ["off_language"], line


@pytest.mark.parametrize("line", [
    "Wing: P van der Berg (Sharks), L de Jager (Bulls), M da Costa (Porto), F di Natale (Udinese).",  # name particles
    "Abidjan, Côte d'Ivoire, and Bamako were chosen to host the 2027 qualifiers.",                 # elided particle
    "Ronaldo misses Ballon d'Or gala",
    "Race results: 5km 14:02, 10km 28:40, 21km 1:01:35 (1st, 3rd and 2nd).",                       # units glued to digits
    "Officers gave chase",
    "Seoul (서울), South Korea",                                                                      # one gloss of another script
])
def test_english_lines_with_names_particles_and_units_stay_english(fast_checker, line):
    report = fast_checker.check("\n\n".join([*ARTICLE[:2], line, *ARTICLE[2:]]))
    assert "off_language" not in labels_of(report, line), line
