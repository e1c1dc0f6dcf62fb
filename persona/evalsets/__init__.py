"""The generated evaluation sets: seeded conversations with planted facts, each split into a tuning half (what
summarizer settings may be chosen on) and a test half (what the compression criteria report on). Data makers,
not plugin code: the harness's compression fixtures, scripts/bench_compress.py and scripts/tune_compress.py load
them; nothing in persona.compression imports them.

    generated    the template set (seed 11): 2-4 planted facts, look-alike distractors, 6-60 history messages
    prose        the prose set (seed 23): facts buried in prose, lists and config snippets, 6-40 history messages
    updates      the updates set (seed 41): assistant-stated facts, corrections, multi-fact sentences, numeric
                 look-alikes, 6-300 messages
    gen_domains, gen_templates, gen_values, gen_updates, prose_phrases   their domains, phrasings and value makers

    python -m persona.evalsets.generated --out /tmp/generated     # write a set as fixture JSON files to read
"""
