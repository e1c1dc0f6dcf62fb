"""Context compression: older turns of a conversation folded into one "Previous context" message.

    compress      the fold itself: what is kept verbatim, the summary's token budget, token counts
    summarizers   the strategy registry (ledger, extractive, model, hybrid) and `module:function` summarizers
    extractive    the ledger and extractive summarizers: units of old turns, selected and rendered
    selection     which units a summary keeps within its budget
    facts         fact spans (numbers, versions, names, dates) and the words that carry them
    corrections   later sentences that correct a kept value, kept whole and marked
    evaluation    compression measured on conversations with planted facts (fixtures and generated sets)
    session       the chat session behind `persona chat` and the conversation file `persona compress` reads
"""
