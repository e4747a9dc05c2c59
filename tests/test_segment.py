from qualitycheck.segment import split_paragraphs


def test_offsets_index_the_text():
    text = "  Title line  \n\nFirst paragraph.\nSecond line is its own paragraph.\n\n\n\tLast one.\n"
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == ["Title line", "First paragraph.", "Second line is its own paragraph.", "Last one."]
    for p in paragraphs:
        assert text[p.start:p.end] == p.text
    assert [p.index for p in paragraphs] == [0, 1, 2, 3]


def test_hard_wrapped_prose_is_joined():
    text = ("The committee met on Tuesday to discuss the proposal, which would\n"
            "extend the opening hours of the public library in the town centre\n"
            "and add a second mobile library for the villages.\n\nShort next.")
    paragraphs = split_paragraphs(text)
    assert len(paragraphs) == 2
    assert paragraphs[0].text.startswith("The committee") and paragraphs[0].text.endswith("villages.")


def test_lines_ending_sentences_stay_separate():
    text = ("The mayor opened the new bridge on Monday after a short ceremony.\n"
            "Traffic was light in the first hours, police said on Monday evening.\n")
    assert len(split_paragraphs(text)) == 2


def test_windows_newlines_and_whitespace_only_blocks():
    text = "One paragraph here.\r\n\r\n   \r\n\r\nAnother paragraph.\r\n"
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == ["One paragraph here.", "Another paragraph."]


def test_old_mac_and_unicode_line_ends():
    """A lone \r, U+2028 and U+2029 end lines as \n does (before, such a file was one paragraph); a \r\n
    stays one line end, not two."""
    body = ["Title line", "First paragraph of the story.", "Second line of that block.", "Last one."]
    for text in ("Title line\r\rFirst paragraph of the story.\rSecond line of that block.\r\rLast one.\r",
                 "Title line\u2029First paragraph of the story.\u2028Second line of that block.\u2029Last one.",
                 "Title line\u2028\u2028First paragraph of the story.\u2028Second line of that block.\u2028 \u2028Last one."):
        paragraphs = split_paragraphs(text)
        assert [p.text for p in paragraphs] == body, repr(text)
        assert all(text[p.start:p.end] == p.text for p in paragraphs)
    assert len(split_paragraphs("One line.\r\nNext line.\r\n")) == 2


def test_empty_text_has_no_paragraphs():
    assert split_paragraphs("") == []
    assert split_paragraphs(" \n\n \t\n") == []


def test_ad_placeholder_glued_to_text_is_its_own_paragraph():
    text = "Opening line of the story.\n\n[ad_1]The judges ruled that the case could go on.\n\nLast words here.[ad_2]"
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == [
        "Opening line of the story.", "[ad_1]", "The judges ruled that the case could go on.",
        "Last words here.", "[ad_2]"]
    for p in paragraphs:
        assert text[p.start:p.end] == p.text


def test_ad_placeholder_line_does_not_break_hard_wrapped_prose():
    text = ("The council met on Tuesday evening to discuss the budget for the next\n"
            "financial year, which has been cut by ten percent after a long debate\n"
            "[ad_1]\n"
            "among members of the finance committee and a number of local residents\n"
            "who had come to the town hall to hear the outcome of the vote.\n")
    paragraphs = split_paragraphs(text)
    assert len(paragraphs) == 3
    assert paragraphs[0].text.startswith("The council") and paragraphs[0].text.endswith("long debate")
    assert paragraphs[1].text == "[ad_1]"
    assert paragraphs[2].text.startswith("among members") and "\n" in paragraphs[2].text


def test_bracketed_text_that_is_not_a_placeholder_stays_whole():
    text = "He said [ad hoc] talks [adds quote from spokesman] would follow."
    assert [p.text for p in split_paragraphs(text)] == [text]


def test_glued_placeholders_in_any_case_or_double_brackets_are_cut_out_whole():
    """'[AD_1]' is an ad marker as a line of its own (autoblog_ad_tag ignores case), so glued it is a boundary too;
    '[[ad_1]]' keeps both its brackets instead of leaving ']' at the start of the next paragraph."""
    text = "The judges ruled on Monday.[AD_1]The appeal was dismissed.\r\n[[ad_2]]Costs were awarded to the council."
    paragraphs = split_paragraphs(text)
    assert [p.text for p in paragraphs] == ["The judges ruled on Monday.", "[AD_1]", "The appeal was dismissed.",
                                            "[[ad_2]]", "Costs were awarded to the council."]
    for p in paragraphs:
        assert text[p.start:p.end] == p.text


def test_a_placeholder_written_about_in_quotation_marks_stays_in_its_sentence():
    for text in ["The plugin replaces \u201c[ad_1]\u201d with the first ad block you define, the developer said.",
                 'The plugin replaces "[ad_1]" with the first ad block, and `[ad_2]` with the second.']:
        assert [p.text for p in split_paragraphs(text)] == [text]
    # between two quoted paragraphs it is still a boundary
    text = '"We will appeal," he said."[ad_1]"The ruling was wrong," his lawyer added.'
    assert [p.text for p in split_paragraphs(text)][1] == "[ad_1]"
